package sitelimit

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ptr[T any](v T) *T { return &v }

// site is a test's fixture with the site-limit controller running.
type site struct {
	*fixture.Fixture
	t *testing.T
}

func newSite(t *testing.T, opts Options) *site {
	if opts.Settle == 0 {
		opts.Settle = time.Hour // no redistribution unless a test asks for it
	}
	return &site{Fixture: fixture.New(t, Setup(opts)), t: t}
}

// newPair is a site with managed chargers a and b, each with a session,
// a's the earlier.
func newPair(t *testing.T, opts Options) *site {
	s := newSite(t, opts)
	s.charger("a", true, nil)
	s.charger("b", true, nil)
	s.session("tx-a", "a", t0, true)
	s.session("tx-b", "b", t0.Add(time.Minute), true)
	return s
}

// charger stores a charger: managed (with spec.ocpp) or not, with labels,
// and a status whose limits say the device took 0 A (an idle charger
// under a site limit), so raises are not held back by unknown limits.
func (s *site) charger(name string, managed bool, lbls map[string]string) {
	s.t.Helper()
	spec := v1alpha1.ChargerSpec{TemplateRef: "t", Connection: v1alpha1.NewConnection(v1alpha1.ConnModbusTCP,
		&v1alpha1.ModbusTCPConnection{Host: "192.0.2.1"})}
	if managed {
		spec.OCPP = &v1alpha1.ChargerOCPP{CSMSRef: "csms"}
	}
	obj := fixture.Object(chargerKind, name, spec)
	obj.Metadata.Labels = lbls
	if _, err := s.Store.Create(obj); err != nil {
		s.t.Fatalf("create charger %s: %v", name, err)
	}
	if managed {
		s.status(name, func(st *v1alpha1.ChargerStatus) {
			st.OCPP = &v1alpha1.ChargerOCPPStatus{Limits: []v1alpha1.EVSELimit{{EVSEID: 1, WrittenA: ptr(0.0), WrittenAt: stamp()}}}
		})
	}
}

// status edits a charger's status as the charger controller and the
// station would write it.
func (s *site) status(name string, edit func(*v1alpha1.ChargerStatus)) {
	s.t.Helper()
	obj, err := s.Store.Get(chargerKind, name)
	if err != nil {
		s.t.Fatalf("get charger %s: %v", name, err)
	}
	var st v1alpha1.ChargerStatus
	if len(obj.Status) > 0 {
		json.Unmarshal(obj.Status, &st)
	}
	edit(&st)
	obj.Status, _ = json.Marshal(st)
	if _, err = s.Store.UpdateStatus(obj); err != nil {
		s.t.Fatalf("status of charger %s: %v", name, err)
	}
}

// draw makes a charger's connector report phase currents.
func (s *site) draw(name string, amps ...float64) {
	s.t.Helper()
	s.status(name, func(st *v1alpha1.ChargerStatus) {
		sig := map[string]any{"evConnected": true, "charging": true}
		for i, a := range amps {
			sig[fmt.Sprintf("currentA%d", i+1)] = a
		}
		st.Connectors = []v1alpha1.ConnectorStatus{{EVSEID: 1, ConnectorID: 1, Status: "Occupied", Signals: sig}}
	})
}

// written sets what a charger's device took, as the station reports it.
func (s *site) written(name string, a float64) {
	s.t.Helper()
	// The controller's informers see the share and the confirmation in
	// order only once they have caught up with what came before.
	s.Settle()
	s.status(name, func(st *v1alpha1.ChargerStatus) {
		st.OCPP = &v1alpha1.ChargerOCPPStatus{Limits: []v1alpha1.EVSELimit{{EVSEID: 1, LimitA: a, Source: "Site", WrittenA: ptr(a), WrittenAt: stamp()}}}
	})
}

// stamp is a writtenAt of now, as the station stamps it after the device
// took a limit.
func stamp() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// session stores a session of charger that started at start, authorized
// or held.
func (s *site) session(name, charger string, start time.Time, authorized bool) {
	s.t.Helper()
	spec, _ := json.Marshal(v1alpha1.TransactionSpec{ChargerRef: charger, EVSEID: 1, ConnectorID: 1, TransactionID: name,
		StartedAt: start.Format(time.RFC3339)})
	obj, err := s.Store.Create(&v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: transactionKind,
		Metadata: v1alpha1.ObjectMeta{Name: name, Labels: map[string]string{v1alpha1.ChargerLabel: charger}}, Spec: spec})
	if err != nil {
		s.t.Fatalf("create session %s: %v", name, err)
	}
	s.setSession(obj, v1alpha1.TransactionStatus{State: v1alpha1.TransactionActive, ChargingState: "Charging", Authorized: authorized})
}

// endSession ends a session as the station does.
func (s *site) endSession(name string) {
	s.t.Helper()
	obj, err := s.Store.Get(transactionKind, name)
	if err != nil {
		s.t.Fatalf("get session %s: %v", name, err)
	}
	s.setSession(obj, v1alpha1.TransactionStatus{State: v1alpha1.TransactionEnded, ChargingState: "Idle",
		StoppedReason: "EVDisconnected", EndedAt: t0.Format(time.RFC3339)})
}

func (s *site) setSession(obj *v1alpha1.Object, st v1alpha1.TransactionStatus) {
	s.t.Helper()
	obj.Status, _ = json.Marshal(st)
	if _, err := s.Store.UpdateStatus(obj); err != nil {
		s.t.Fatalf("status of session %s: %v", obj.Metadata.Name, err)
	}
}

// limit stores or replaces an operator site limit.
func (s *site) limit(name string, spec v1alpha1.ChargingProfileSpec) {
	s.t.Helper()
	// Every informer first holds what the test stored before: each kind
	// has its own, and a ChargingProfile informer ahead of the Charger or
	// Transaction one would let the first pass see an earlier state (a
	// session missing, a confirmation not yet withdrawn), whose shares
	// then count as in flight.
	s.Settle()
	spec.Source = v1alpha1.ProfileSourceOperator
	spec.ChargingProfilePurpose = purposeExternal
	if _, err := s.Store.Get(Kind, name); err == nil {
		s.Update(Kind, name, spec)
		return
	}
	s.Create(Kind, name, spec)
}

// shares reads the stored shares of a site: charger -> A. It checks each
// share's spec and labels as it goes.
func (s *site) shares(name string) (map[string]float64, string) {
	objs, _ := s.Store.List(Kind)
	out := map[string]float64{}
	for _, obj := range objs {
		if obj.Metadata.Labels[v1alpha1.SiteLimitLabel] != name {
			continue
		}
		var spec v1alpha1.ChargingProfileSpec
		if err := json.Unmarshal(obj.Spec, &spec); err != nil {
			return nil, err.Error()
		}
		if p := checkShare(obj, &spec, name); p != "" {
			return nil, p
		}
		out[spec.ChargerRef] = spec.Limit.Value
	}
	return out, ""
}

// checkShare says what is wrong with a stored share, or "".
func checkShare(obj *v1alpha1.Object, spec *v1alpha1.ChargingProfileSpec, site string) string {
	want := shareSpec(site, spec.ChargerRef, 0)
	want.Limit = spec.Limit
	switch {
	case obj.Metadata.Name != ShareName(site, spec.ChargerRef):
		return fmt.Sprintf("share %s of %s is not named %s", obj.Metadata.Name, spec.ChargerRef, ShareName(site, spec.ChargerRef))
	case v1alpha1.NameProblem(obj.Metadata.Name) != "":
		return "share name: " + v1alpha1.NameProblem(obj.Metadata.Name)
	case !maps.Equal(obj.Metadata.Labels, shareLabels(site, spec.ChargerRef)):
		return fmt.Sprintf("share %s labels %v", obj.Metadata.Name, obj.Metadata.Labels)
	case spec.Limit == nil || spec.Limit.Unit != "A" || !specEqual(*spec, want):
		return fmt.Sprintf("share %s spec %+v", obj.Metadata.Name, *spec)
	}
	return ""
}

// wantShares waits until the site's shares are exactly want.
func (s *site) wantShares(name string, want map[string]float64) {
	s.t.Helper()
	fixture.Within(s.t, fixture.Timeout, fmt.Sprintf("shares of %s %v", name, want), func() string {
		got, problem := s.shares(name)
		if problem != "" {
			return problem
		}
		if !maps.Equal(got, want) {
			return fmt.Sprintf("shares %v", got)
		}
		return ""
	})
}

// confirm plays the station: every charger's device takes its current share.
func (s *site) confirm(name string) {
	s.t.Helper()
	got, _ := s.shares(name)
	for _, c := range slices.Sorted(maps.Keys(got)) {
		s.written(c, got[c])
	}
}

// ready waits for the site limit's Ready condition with reason and a
// message containing each of parts.
func (s *site) ready(name, reason string, parts ...string) {
	s.t.Helper()
	fixture.Within(s.t, fixture.Timeout, "Ready of "+name, func() string {
		c := s.Condition(Kind, name, ConditionReady)
		if c == nil {
			return "no Ready condition"
		}
		if c.Reason != reason {
			return fmt.Sprintf("reason %s: %s", c.Reason, c.Message)
		}
		for _, p := range parts {
			if !strings.Contains(c.Message, p) {
				return fmt.Sprintf("message %q lacks %q", c.Message, p)
			}
		}
		return ""
	})
}
