package transaction

import (
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/store"
)

const day = 24 * time.Hour

func ptr[T any](v T) *T { return &v }

// createSession stores a session as the station does: create with the
// charger label, then write the status.
func createSession(t *testing.T, st *store.Store, name, charger string, started time.Time, status v1alpha1.TransactionStatus) {
	t.Helper()
	spec, _ := json.Marshal(v1alpha1.TransactionSpec{ChargerRef: charger, EVSEID: 1, ConnectorID: 1, TransactionID: name,
		StartedAt: started.Format(time.RFC3339)})
	obj, err := st.Create(&v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: Kind,
		Metadata: v1alpha1.ObjectMeta{Name: name, Labels: map[string]string{v1alpha1.ChargerLabel: charger}}, Spec: spec})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	setStatus(t, st, obj, status)
}

func setStatus(t *testing.T, st *store.Store, obj *v1alpha1.Object, status v1alpha1.TransactionStatus) *v1alpha1.Object {
	t.Helper()
	obj.Status, _ = json.Marshal(status)
	out, err := st.UpdateStatus(obj)
	if err != nil {
		t.Fatalf("status of %s: %v", obj.Metadata.Name, err)
	}
	return out
}

func open() v1alpha1.TransactionStatus {
	return v1alpha1.TransactionStatus{State: v1alpha1.TransactionActive, ChargingState: "Charging", SeqNo: 3, EnergyWh: ptr(1200.0)}
}

func endedAt(at time.Time, queued int) v1alpha1.TransactionStatus {
	s := v1alpha1.TransactionStatus{State: v1alpha1.TransactionEnded, ChargingState: "Idle", SeqNo: 9, EnergyWh: ptr(9000.0),
		StoppedReason: "EVDisconnected", EndedAt: at.Format(time.RFC3339)}
	for i := range queued {
		s.Outbox = append(s.Outbox, v1alpha1.OutboxEntry{SeqNo: 7 + i, EventType: "Updated", Timestamp: at.Format(time.RFC3339),
			Payload: json.RawMessage(`{}`), Trigger: "MeterValuePeriodic", Offline: true})
	}
	return s
}

// names lists the stored Transactions.
func names(st *store.Store) []string {
	objs, _ := st.List(Kind)
	var out []string
	for _, o := range objs {
		out = append(out, o.Metadata.Name)
	}
	return out
}

func wantNames(t *testing.T, f *fixture.Fixture, want ...string) {
	t.Helper()
	slices.Sort(want)
	f.Eventually("the sessions "+strings.Join(want, ","), func() string {
		if got := names(f.Store); !slices.Equal(got, want) {
			return "stored: " + strings.Join(got, ",")
		}
		return ""
	})
	// Nothing more goes once the controller has nothing left to do.
	f.Settle()
	if got := names(f.Store); !slices.Equal(got, want) {
		t.Fatalf("after settling, stored %v, want %v", got, want)
	}
}

// TestHistoryIsBounded: sessions found at start are pruned by age and by
// count per charger; later, time passing, an outbox draining and new
// sessions ending prune again. Open sessions and queued events stay.
func TestHistoryIsBounded(t *testing.T) {
	clock := controllers.NewFakeClock(t0)
	seed := func(_ *controllers.Manager, st *store.Store, _ *slog.Logger) error {
		createSession(t, st, "a-open", "ch-a", t0.Add(-30*day), open())
		createSession(t, st, "a-queued", "ch-a", t0.Add(-10*day-time.Hour), endedAt(t0.Add(-10*day), 2))
		createSession(t, st, "a-expired", "ch-a", t0.Add(-8*day-time.Hour), endedAt(t0.Add(-8*day), 0))
		createSession(t, st, "a-e1", "ch-a", t0.Add(-6*day-time.Hour), endedAt(t0.Add(-6*day), 0))
		createSession(t, st, "a-e2", "ch-a", t0.Add(-5*day-time.Hour), endedAt(t0.Add(-5*day), 0))
		createSession(t, st, "a-e3", "ch-a", t0.Add(-2*day-time.Hour), endedAt(t0.Add(-2*day), 0))
		createSession(t, st, "a-e4", "ch-a", t0.Add(-2*time.Hour), endedAt(t0.Add(-time.Hour), 0))
		createSession(t, st, "b-e1", "ch-b", t0.Add(-3*day-time.Hour), endedAt(t0.Add(-3*day), 0))
		createSession(t, st, "b-open", "ch-b", t0.Add(-time.Minute), open())
		return nil
	}
	f := fixture.New(t, seed, Setup(Options{Retention: DefaultRetention, History: 3, Clock: clock}))

	// a-expired is past 7 days; of the five left on ch-a, a-e1 and a-e2 are
	// the oldest that can go (a-queued still has events to deliver).
	wantNames(t, f, "a-open", "a-queued", "a-e3", "a-e4", "b-e1", "b-open")
	// One timer per charger with history, not one per session.
	if n := clock.Pending(); n != 2 {
		t.Errorf("%d timers pending, want 2 (ch-a, ch-b)", n)
	}

	// Four days on, b-e1 turns 7 days old; a-e3 is 6 days old and stays.
	clock.Step(4*day + time.Minute)
	wantNames(t, f, "a-open", "a-queued", "a-e3", "a-e4", "b-open")
	clock.Step(day)
	wantNames(t, f, "a-open", "a-queued", "a-e4", "b-open")

	// The CSMS acknowledges a-queued's events: it has long expired.
	q, err := f.Store.Get(Kind, "a-queued")
	if err != nil {
		t.Fatal(err)
	}
	setStatus(t, f.Store, q, endedAt(t0.Add(-10*day), 0))
	wantNames(t, f, "a-open", "a-e4", "b-open")

	// Three more sessions end on ch-a: a-e4 is then the oldest of four.
	now := clock.Now()
	for _, n := range []string{"a-e5", "a-e6", "a-e7"} {
		now = now.Add(time.Hour)
		createSession(t, f.Store, n, "ch-a", now.Add(-30*time.Minute), endedAt(now, 0))
	}
	wantNames(t, f, "a-open", "a-e5", "a-e6", "a-e7", "b-open")

	// A month on, every ended session has expired; the open ones, started
	// long ago, stay.
	clock.Step(30 * day)
	wantNames(t, f, "a-open", "b-open")
	// With no ended session left, nothing needs another look.
	if n := clock.Pending(); n != 0 {
		t.Errorf("%d timers pending with only open sessions left", n)
	}
}

// TestConflictLeavesTheNewerSession: a delete planned on a resourceVersion
// the station has since overwritten fails and deletes nothing.
func TestConflictLeavesTheNewerSession(t *testing.T) {
	f := fixture.New(t)
	createSession(t, f.Store, "tx-1", "ch-a", t0.Add(-9*day), endedAt(t0.Add(-8*day), 0))
	obj, err := f.Store.Get(Kind, "tx-1")
	if err != nil {
		t.Fatal(err)
	}
	planned := summarize(decode(t, obj))
	// Meanwhile a resumed station re-queues an event for the session.
	newer := setStatus(t, f.Store, obj, endedAt(t0.Add(-8*day), 1))

	r := &Reconciler{st: f.Store, opts: Options{Retention: DefaultRetention, Clock: controllers.NewFakeClock(t0)}, log: slog.New(slog.DiscardHandler)}
	doomed := plan([]session{planned}, t0, r.opts)
	if len(doomed) != 1 {
		t.Fatalf("plan on the old state = %v, want tx-1 expired", doomed)
	}
	if err := r.delete("ch-a", doomed); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("delete with the old resourceVersion: %v, want a conflict", err)
	}
	got, err := f.Store.Get(Kind, "tx-1")
	if err != nil {
		t.Fatalf("the session is gone: %v", err)
	}
	if got.Metadata.ResourceVersion != newer.Metadata.ResourceVersion {
		t.Errorf("stored resourceVersion %s, want %s", got.Metadata.ResourceVersion, newer.Metadata.ResourceVersion)
	}
	// The newer state is seen for what it is: events queued, nothing to delete.
	if d := plan([]session{summarize(decode(t, got))}, t0, r.opts); len(d) != 0 {
		t.Errorf("plan on the newer state = %v, want nothing", d)
	}
}

func decode(t *testing.T, obj *v1alpha1.Object) *v1alpha1.Transaction {
	t.Helper()
	tx, err := v1alpha1.DecodeTransaction(obj)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}
