package station

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/ocppgw/ocppgw/store"
)

// Kind is the resource kind this controller reconciles.
const Kind = v1alpha1.KindCharger

// statusOwner names the station's status patches in the store.
const statusOwner = "station"

// Commander runs canonical commands on chargers' devices (the charger
// controller).
type Commander interface {
	Command(ctx context.Context, charger, command string, connector int, args cel.Args) error
}

// Reconciler runs one Station per Charger that names a CSMS and replaces
// it when its configuration changes. A charger without spec.ocpp, or one
// that is deleted, has its station stopped (the connection closes cleanly).
type Reconciler struct {
	st       *store.Store
	chargers *controllers.Lister[v1alpha1.Charger]
	resolver resolver
	commands Commander
	log      *slog.Logger
	met      *metrics.OCPP // nil: no metrics

	mu      sync.Mutex
	running map[string]*runningStation
	// profilesChanged: a ChargingProfile of the charger changed since its
	// station last read them.
	profilesChanged map[string]bool
}

type runningStation struct {
	version string            // the inputs' versions the config was built from
	key     [sha256.Size]byte // the config's Key
	station *Station
	cancel  context.CancelFunc
	done    chan struct{}
}

// Reconcile makes the named charger's station match its spec.
func (r *Reconciler) Reconcile(ctx context.Context, name string) (controllers.Result, error) {
	ch, ok, err := r.chargers.Get(name)
	if !ok {
		r.retire(name)
		return controllers.Result{}, nil
	}
	if err != nil {
		return controllers.Result{}, controllers.TerminalError(fmt.Errorf("charger %q: %w", name, err))
	}
	if ch.Spec.OCPP == nil {
		r.retire(name)
		return controllers.Result{}, nil
	}
	// ch is the cache's and read-only; the station keeps copies of what it changes.
	status := ch.Status
	saved, passwordRef := persistedOf(status)
	r.mu.Lock()
	cur := r.running[name]
	r.mu.Unlock()
	in, err := r.resolver.gather(ch, passwordRef)
	if err != nil {
		if cur != nil && ownSecretPending(err, passwordRef) {
			// The station wrote its new password's Secret and then the
			// status naming it; the Secret informer may not have seen the
			// first write yet. Stopping now would make a reconnect a reboot.
			// The Secret watch brings the charger back.
			return controllers.Result{}, nil
		}
		r.refuse(name, err)
		return controllers.Result{}, nil // the CSMS, Secret and Template watches bring it back
	}
	if cur == nil || cur.version != in.version() {
		cfg, err := r.resolver.config(in, passwordRef)
		if err != nil {
			r.refuse(name, err)
			return controllers.Result{}, nil
		}
		cur = r.ensure(name, cfg, saved, passwordRef, in.version())
	}
	r.mu.Lock()
	reload := r.profilesChanged[name]
	delete(r.profilesChanged, name)
	r.mu.Unlock()
	if reload {
		cur.station.ProfilesChanged()
	}
	cur.station.Observe(observation(status))
	return controllers.Result{}, nil
}

// ensure starts the station of cfg unless one with the same Key runs; a
// changed password is handed to the running station, which reconnects.
func (r *Reconciler) ensure(name string, cfg Config, saved Persisted, passwordRef *v1alpha1.SecretKeyRef, version string) *runningStation {
	r.mu.Lock()
	cur := r.running[name]
	r.mu.Unlock()
	if cur != nil && cur.key == cfg.Key() {
		cur.version = version
		cur.station.SetPassword(cfg.Password)
		return cur
	}
	r.stop(name)
	cfg.Metrics = r.met.Station(name)
	st := New(cfg, saved, passwordRef, &host{r: r, name: name}, r.log)
	if cur != nil {
		st.adoptEvents(cur.station)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rs := &runningStation{version: version, key: cfg.Key(), station: st, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(rs.done)
		st.Run(ctx)
	}()
	r.mu.Lock()
	r.running[name] = rs
	r.mu.Unlock()
	r.log.Info("station started", "charger", name, "stationId", cfg.StationID, "csms", cfg.URL)
	return rs
}

// stop ends a charger's station and waits until its connection closed.
func (r *Reconciler) stop(name string) {
	r.mu.Lock()
	rs := r.running[name]
	delete(r.running, name)
	r.mu.Unlock()
	if rs != nil {
		rs.cancel()
		<-rs.done
	}
}

func (r *Reconciler) stopAll() {
	r.mu.Lock()
	var names []string
	for n := range r.running {
		names = append(names, n)
	}
	r.mu.Unlock()
	for _, n := range names {
		r.stop(n)
	}
}

// refuse stops the station of a charger whose configuration cannot be
// built and says why in its Registered condition and status.ocpp.
func (r *Reconciler) refuse(name string, err error) {
	r.stop(name)
	msg := err.Error()
	now := time.Now()
	controllers.QueueStatusMerge(r.st, Kind, name, statusOwner, func(cs *controllers.Status) error {
		cs.SetCondition(v1alpha1.Condition{Type: ConditionRegistered, Status: v1alpha1.ConditionFalse, Reason: "ConfigInvalid", Message: msg}, now)
		var o v1alpha1.ChargerOCPPStatus
		if raw := cs.Field("ocpp"); len(raw) > 0 {
			if err := json.Unmarshal(raw, &o); err != nil {
				return err
			}
		}
		o.State, o.Reason = v1alpha1.OCPPStateOffline, msg
		return cs.Set("ocpp", o)
	})
}

// ownSecretPending reports whether err is only that the station's own
// password Secret is not in the cache yet.
func ownSecretPending(err error, passwordRef *v1alpha1.SecretKeyRef) bool {
	var nf *secretNotFoundError
	return passwordRef != nil && errors.As(err, &nf) && nf.name == passwordRef.Name
}

func persistedOf(s v1alpha1.ChargerStatus) (Persisted, *v1alpha1.SecretKeyRef) {
	if s.OCPP == nil {
		return Persisted{}, nil
	}
	// Copies: the status is the cache's, the station changes what it keeps.
	return Persisted{Variables: slices.Clone(s.OCPP.Variables), Availability: slices.Clone(s.OCPP.Availability),
			NetworkProfiles: slices.Clone(s.OCPP.NetworkProfiles)},
		s.OCPP.BasicAuthPasswordSecretRef
}

// observation reads the device side's part of a charger status. The device
// counts as reachable unless the charger controller said it is not; while
// it says it has not polled yet, nothing is known of the connectors.
func observation(s v1alpha1.ChargerStatus) Observation {
	// Until the charger controller has said anything about the device (a
	// charger just applied), nothing is known: the station reports it as
	// connecting, never Available on signals it has not seen.
	o := Observation{Reachable: true, Connecting: true, Signals: map[ConnectorRef]map[string]any{}, Unknown: map[ConnectorRef]map[string]string{}}
	for _, c := range s.Conditions {
		switch {
		case c.Type == "DeviceReachable" && c.Status == v1alpha1.ConditionFalse:
			o.Reachable, o.Connecting = false, false
		case c.Type == "DeviceReachable" && c.Status == v1alpha1.ConditionTrue:
			o.Polled, o.Connecting = true, false
		}
	}
	for _, c := range s.Connectors {
		o.Signals[ConnectorRef{c.EVSEID, c.ConnectorID}] = c.Signals
		if len(c.Unknown) > 0 {
			o.Unknown[ConnectorRef{c.EVSEID, c.ConnectorID}] = c.Unknown
		}
	}
	return o
}
