package store

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

func openTest(t testing.TB, opts Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	opts.NoSync = true
	if opts.SealedKinds == nil { // as gwd opens it
		opts.SealedKinds = v1alpha1.SealedKinds()
	}
	if opts.CompactInterval == 0 {
		opts.CompactInterval = -1
	}
	s, err := Open(path, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func obj(kind, name, spec string) *v1alpha1.Object {
	return &v1alpha1.Object{Kind: kind, Metadata: v1alpha1.ObjectMeta{Name: name}, Spec: json.RawMessage(spec)}
}

func rv(o *v1alpha1.Object) int64 {
	n, _ := strconv.ParseInt(o.Metadata.ResourceVersion, 10, 64)
	return n
}

func TestCreateSetsServerMetadata(t *testing.T) {
	s, _ := openTest(t, Options{})
	o := obj("Charger", "ch-1", `{"b": 2, "a": 1}`)
	o.Status = json.RawMessage(`{"ignored":true}`)
	got, err := s.Create(o)
	if err != nil {
		t.Fatal(err)
	}
	if got.Metadata.UID == "" || got.Metadata.Generation != 1 || got.Metadata.CreationTimestamp == "" || rv(got) != 1 {
		t.Fatalf("server metadata not set: %+v", got.Metadata)
	}
	if string(got.Spec) != `{"a":1,"b":2}` {
		t.Errorf("spec not canonical: %s", got.Spec)
	}
	if got.Status != nil {
		t.Errorf("status on create must be ignored, got %s", got.Status)
	}
	if _, err := s.Create(o); !errors.Is(err, ErrExists) {
		t.Errorf("second create: want ErrExists, got %v", err)
	}
	if s.Revision() != 1 {
		t.Errorf("failed create used a revision: %d", s.Revision())
	}
}

func TestUpdateRules(t *testing.T) {
	s, _ := openTest(t, Options{})
	created, _ := s.Create(obj("Charger", "ch-1", `{"a":1}`))

	// Same spec, reordered: nothing changes, no revision is used.
	same, err := s.Update(obj("Charger", "ch-1", `{ "a" : 1 }`))
	if err != nil || same.Metadata.ResourceVersion != created.Metadata.ResourceVersion || s.Revision() != 1 {
		t.Fatalf("no-op update wrote: rv=%s rev=%d err=%v", same.Metadata.ResourceVersion, s.Revision(), err)
	}
	// Labels only: new revision, same generation.
	l := obj("Charger", "ch-1", `{"a":1}`)
	l.Metadata.Labels = map[string]string{"site": "a"}
	lab, _ := s.Update(l)
	if lab.Metadata.Generation != 1 || rv(lab) != 2 {
		t.Errorf("label update: generation %d rv %d", lab.Metadata.Generation, rv(lab))
	}
	// Spec change bumps generation; uid and creation time stay.
	upd, _ := s.Update(obj("Charger", "ch-1", `{"a":2}`))
	if upd.Metadata.Generation != 2 || upd.Metadata.UID != created.Metadata.UID || upd.Metadata.CreationTimestamp != created.Metadata.CreationTimestamp {
		t.Errorf("spec update metadata: %+v", upd.Metadata)
	}
	// Stale resourceVersion conflicts and names both versions.
	stale := obj("Charger", "ch-1", `{"a":3}`)
	stale.Metadata.ResourceVersion = created.Metadata.ResourceVersion
	_, err = s.Update(stale)
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("stale update: want ErrConflict, got %v", err)
	}
	if want := `store: conflict: Charger "ch-1": resourceVersion 1 is stale (current 3)`; err.Error() != want {
		t.Errorf("conflict message %q, want %q", err, want)
	}
	if _, err := s.Update(obj("Charger", "nope", `{}`)); !errors.Is(err, ErrNotFound) {
		t.Errorf("update of missing: want ErrNotFound, got %v", err)
	}
}

func TestStatusNeverBumpsGeneration(t *testing.T) {
	s, _ := openTest(t, Options{})
	s.Create(obj("Charger", "ch-1", `{"a":1}`))
	st := obj("Charger", "ch-1", `{"a":99}`)
	st.Status = json.RawMessage(`{"state":"Registered"}`)
	got, err := s.UpdateStatus(st)
	if err != nil {
		t.Fatal(err)
	}
	if got.Metadata.Generation != 1 || string(got.Spec) != `{"a":1}` || string(got.Status) != `{"state":"Registered"}` {
		t.Errorf("status write touched spec or generation: %+v spec=%s status=%s", got.Metadata, got.Spec, got.Status)
	}
	rev := s.Revision()
	s.UpdateStatus(st)
	if s.Revision() != rev {
		t.Errorf("unchanged status used a revision")
	}
	// A spec update keeps status.
	upd, _ := s.Update(obj("Charger", "ch-1", `{"a":2}`))
	if string(upd.Status) != `{"state":"Registered"}` {
		t.Errorf("spec update lost status: %s", upd.Status)
	}
}

func TestTxnAllOrNothing(t *testing.T) {
	s, _ := openTest(t, Options{})
	s.Create(obj("Charger", "existing", `{}`))
	rev := s.Revision()
	err := s.Txn(false, func(tx *Tx) error {
		for _, n := range []string{"a", "b", "existing"} {
			if _, err := tx.Create(obj("Charger", n, `{}`)); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("want ErrExists, got %v", err)
	}
	if items, _ := s.List("Charger"); len(items) != 1 || s.Revision() != rev {
		t.Errorf("failed txn stored something: %d items, rev %d→%d", len(items), rev, s.Revision())
	}
	// Dry run: the txn sees its own writes but stores nothing.
	err = s.Txn(true, func(tx *Tx) error {
		tx.Create(obj("Charger", "a", `{}`))
		if _, err := tx.Get("Charger", "a"); err != nil {
			t.Errorf("txn does not see its own write: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("Charger", "a"); !errors.Is(err, ErrNotFound) || s.Revision() != rev {
		t.Errorf("dry run stored: err=%v rev=%d", err, s.Revision())
	}
	// Success: consecutive revisions.
	s.Txn(false, func(tx *Tx) error {
		tx.Create(obj("Charger", "a", `{}`))
		tx.Create(obj("Template", "t", `{}`))
		return nil
	})
	a, _ := s.Get("Charger", "a")
	tp, _ := s.Get("Template", "t")
	if rv(a) != rev+1 || rv(tp) != rev+2 {
		t.Errorf("revisions %d, %d; want %d, %d", rv(a), rv(tp), rev+1, rev+2)
	}
}

// OnCommit runs after the commit and before any reader can see what the
// transaction stored: the cache does not have it yet and no watcher got
// its event. It does not run for a failed transaction or a dry run.
func TestOnCommitRunsBeforeReadersSeeTheCommit(t *testing.T) {
	s, _ := openTest(t, Options{})
	w, err := s.Watch(context.Background(), WatchOptions{Kind: "Charger", Revision: s.Revision()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ran := 0
	err = s.Txn(false, func(tx *Tx) error {
		if _, err := tx.Create(obj("Charger", "a", `{}`)); err != nil {
			return err
		}
		tx.OnCommit(func() {
			ran++
			if _, err := s.Get("Charger", "a"); !errors.Is(err, ErrNotFound) {
				t.Errorf("OnCommit: the cache already has the object (err %v)", err)
			}
			select {
			case ev := <-w.Events():
				t.Errorf("OnCommit: a watcher already got %s %s", ev.Type, ev.Object.Metadata.Name)
			default:
			}
		})
		return nil
	})
	if err != nil || ran != 1 {
		t.Fatalf("Txn: %v, OnCommit ran %d times", err, ran)
	}
	if _, err := s.Get("Charger", "a"); err != nil {
		t.Fatalf("after Txn: %v", err)
	}
	if ev := next(t, w); ev.Object.Metadata.Name != "a" {
		t.Fatalf("after Txn: event for %q", ev.Object.Metadata.Name)
	}
	for _, dry := range []bool{true, false} {
		s.Txn(dry, func(tx *Tx) error {
			tx.OnCommit(func() { t.Errorf("OnCommit ran for a dry run (%v) or a failed transaction", dry) })
			if dry {
				_, err := tx.Create(obj("Charger", "b", `{}`))
				return err
			}
			return errors.New("refused")
		})
	}
}

func TestReopenRestoresState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path, Options{CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	s.Create(obj("Charger", "ch-1", `{"a":1}`))
	s.QueueStatus("Charger", "ch-1", json.RawMessage(`{"x":1}`))
	s.Create(obj("Bus", "b", `{}`))
	s.Delete("Bus", "b", "")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, Options{CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Get("Charger", "ch-1")
	if err != nil || string(got.Status) != `{"x":1}` {
		t.Fatalf("after reopen: %v status=%s", err, got.Status)
	}
	if _, err := s2.Get("Bus", "b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted object came back: %v", err)
	}
	if s2.Revision() != 4 {
		t.Errorf("revision after reopen %d, want 4", s2.Revision())
	}
	// A second open of the same file is refused with a clear reason.
	if _, err := Open(path, Options{LockWait: 100 * time.Millisecond}); err == nil || !strings.Contains(err.Error(), "locked by another process") {
		t.Errorf("second open of a locked store: %v, want locked by another process", err)
	}
}

func TestDeleteRules(t *testing.T) {
	s, _ := openTest(t, Options{})
	c, _ := s.Create(obj("Charger", "ch-1", `{}`))
	if _, err := s.Delete("Charger", "ch-1", "999"); !errors.Is(err, ErrConflict) {
		t.Errorf("delete with stale rv: %v", err)
	}
	d, err := s.Delete("Charger", "ch-1", c.Metadata.ResourceVersion)
	if err != nil || rv(d) != 2 {
		t.Fatalf("delete: %v rv=%v", err, d)
	}
	if _, err := s.Delete("Charger", "ch-1", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func TestQueuedStatusCoalesces(t *testing.T) {
	s, _ := openTest(t, Options{StatusFlushInterval: 1 << 40})
	s.Create(obj("Charger", "ch-1", `{}`))
	s.Create(obj("Charger", "ch-2", `{}`))
	rev := s.Revision()
	for i := range 100 {
		s.QueueStatus("Charger", "ch-1", json.RawMessage(`{"n":`+strconv.Itoa(i)+`}`))
	}
	s.QueueStatus("Charger", "gone", json.RawMessage(`{"n":1}`))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if s.Revision() != rev+1 {
		t.Fatalf("100 queued writes of one object took %d revisions, want 1", s.Revision()-rev)
	}
	got, _ := s.Get("Charger", "ch-1")
	if string(got.Status) != `{"n":99}` {
		t.Errorf("latest status not kept: %s", got.Status)
	}
	s.QueueStatus("Charger", "ch-1", json.RawMessage(`{"n": 99}`))
	s.Flush()
	if s.Revision() != rev+1 {
		t.Errorf("unchanged queued status was written")
	}
}

// TestQueuedPatchesMerge: two owners patch different fields of one status;
// a direct status write lands between queueing and flushing. The flush keeps
// all three, in one revision.
func TestQueuedPatchesMerge(t *testing.T) {
	s, _ := openTest(t, Options{StatusFlushInterval: 1 << 40})
	s.Create(obj("Charger", "ch-1", `{}`))
	setField := func(field, value string) StatusPatch {
		return func(cur json.RawMessage) (json.RawMessage, error) {
			m := map[string]json.RawMessage{}
			if len(cur) > 0 {
				if err := json.Unmarshal(cur, &m); err != nil {
					return nil, err
				}
			}
			m[field] = json.RawMessage(value)
			return json.Marshal(m)
		}
	}
	s.QueueStatusPatch("Charger", "ch-1", "poller", setField("signals", `{"n":1}`))
	s.QueueStatusPatch("Charger", "ch-1", "poller", setField("signals", `{"n":2}`))
	s.QueueStatusPatch("Charger", "ch-1", "station", setField("ocpp", `"Registered"`))
	cur, _ := s.Get("Charger", "ch-1")
	cur.Status = json.RawMessage(`{"conditions":[]}`)
	if _, err := s.UpdateStatus(cur); err != nil {
		t.Fatal(err)
	}
	rev := s.Revision()
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Get("Charger", "ch-1")
	if string(got.Status) != `{"conditions":[],"ocpp":"Registered","signals":{"n":2}}` {
		t.Fatalf("merged status %s", got.Status)
	}
	if s.Revision() != rev+1 {
		t.Fatalf("the flush took %d revisions", s.Revision()-rev)
	}
	s.QueueStatusPatch("Charger", "ch-1", "bad", func(json.RawMessage) (json.RawMessage, error) { return nil, errors.New("boom") })
	if err := s.Flush(); err != nil || s.Revision() != rev+1 {
		t.Fatalf("a failing patch: %v, revision moved %d", err, s.Revision()-rev)
	}
}
