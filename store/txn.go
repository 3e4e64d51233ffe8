package store

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	bolt "go.etcd.io/bbolt"
)

// errDryRun rolls back a dry-run transaction.
var errDryRun = errors.New("store: dry run")

// eventRecord is one entry of the events bucket, decoded; eventDoc is its
// stored form.
type eventRecord struct {
	Type   v1alpha1.EventType
	Time   int64 // unix nanoseconds, for age-based compaction
	Object *v1alpha1.Object
	rev    int64
}

// Tx is one all-or-nothing write. Its reads see its own writes. A Tx must not
// be used after the function given to Txn returns.
type Tx struct {
	s      *Store
	btx    *bolt.Tx
	now    time.Time
	events []*eventRecord
	after  []func()
}

// OnCommit has f run once the transaction has committed, before its
// events reach the store's cache and watchers: whatever f records happens
// before any reader can see what the transaction stored. f does not run
// when the transaction fails or is a dry run; it must not use tx or call
// Txn (the writer lock is held).
func (tx *Tx) OnCommit(f func()) { tx.after = append(tx.after, f) }

// Txn runs fn in one write transaction. If fn fails, or dryRun is set, nothing
// is stored and no revision is used. Events are published after commit.
func (s *Store) Txn(dryRun bool, fn func(tx *Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.isClosed() {
		return ErrClosed
	}
	var tx *Tx
	var size int64
	err := s.update(func(btx *bolt.Tx) error {
		tx = &Tx{s: s, btx: btx, now: s.opts.now().UTC()}
		if err := fn(tx); err != nil {
			return err
		}
		if dryRun {
			return errDryRun
		}
		size = btx.Size()
		return nil
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	if err != nil {
		return err
	}
	s.space.measure(s.db, size)
	for _, f := range tx.after {
		f()
	}
	s.publish(tx.events)
	return nil
}

func (s *Store) isClosed() bool {
	s.cmu.RLock()
	defer s.cmu.RUnlock()
	return s.closed
}

// Create stores a new object. See Tx.Create.
func (s *Store) Create(obj *v1alpha1.Object) (out *v1alpha1.Object, err error) {
	err = s.Txn(false, func(tx *Tx) error { out, err = tx.Create(obj); return err })
	return out, err
}

// Update replaces an object's spec, labels and annotations. See Tx.Update.
func (s *Store) Update(obj *v1alpha1.Object) (out *v1alpha1.Object, err error) {
	err = s.Txn(false, func(tx *Tx) error { out, err = tx.Update(obj); return err })
	return out, err
}

// UpdateStatus replaces an object's status. See Tx.UpdateStatus.
func (s *Store) UpdateStatus(obj *v1alpha1.Object) (out *v1alpha1.Object, err error) {
	err = s.Txn(false, func(tx *Tx) error { out, err = tx.UpdateStatus(obj); return err })
	return out, err
}

// Delete removes an object. See Tx.Delete.
func (s *Store) Delete(kind, name, resourceVersion string) (out *v1alpha1.Object, err error) {
	err = s.Txn(false, func(tx *Tx) error { out, err = tx.Delete(kind, name, resourceVersion); return err })
	return out, err
}

func (tx *Tx) bucket(kind string, create bool) (*bolt.Bucket, error) {
	objs := tx.btx.Bucket(bucketObjects)
	if !create {
		return objs.Bucket([]byte(kind)), nil
	}
	b, err := objs.CreateBucketIfNotExists([]byte(kind))
	if err != nil {
		return nil, fmt.Errorf("store: bucket %s: %w", kind, err)
	}
	return b, nil
}

// Get reads an object as this transaction sees it.
func (tx *Tx) Get(kind, name string) (*v1alpha1.Object, error) {
	b, _ := tx.bucket(kind, false)
	var v []byte
	if b != nil {
		v = b.Get([]byte(name))
	}
	if v == nil {
		return nil, errorf(ErrNotFound, "%s %q", kind, name)
	}
	return tx.s.decodeObject(kind, name, v)
}

// List reads every object of kind as this transaction sees it, sorted by name.
func (tx *Tx) List(kind string) ([]*v1alpha1.Object, error) {
	b, _ := tx.bucket(kind, false)
	var out []*v1alpha1.Object
	if b == nil {
		return out, nil
	}
	err := b.ForEach(func(k, v []byte) error {
		o, err := tx.s.decodeObject(kind, string(k), v)
		if err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Metadata.Name < out[j].Metadata.Name })
	return out, err
}

// Create stores a new object: uid, generation 1, creation time and revision
// are set here, and any status in obj is ignored.
func (tx *Tx) Create(obj *v1alpha1.Object) (*v1alpha1.Object, error) {
	if err := checkIdentity(obj); err != nil {
		return nil, err
	}
	// Only a proven absence allows the create: a stored object that cannot
	// be read (damaged, or sealed with another key) must not be overwritten.
	if _, err := tx.Get(obj.Kind, obj.Metadata.Name); err == nil {
		return nil, errorf(ErrExists, "%s %q", obj.Kind, obj.Metadata.Name)
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	spec, err := v1alpha1.Canonical(obj.Spec)
	if err != nil {
		return nil, errorf(ErrInvalid, "%s %q: spec: %v", obj.Kind, obj.Metadata.Name, err)
	}
	o := &v1alpha1.Object{
		APIVersion: v1alpha1.APIVersion,
		Kind:       obj.Kind,
		Metadata: v1alpha1.ObjectMeta{
			Name:              obj.Metadata.Name,
			UID:               uuid.NewString(),
			Generation:        1,
			CreationTimestamp: tx.now.Format(time.RFC3339),
			Labels:            nilIfEmpty(obj.Metadata.Labels),
			Annotations:       nilIfEmpty(obj.Metadata.Annotations),
		},
		Spec: spec,
	}
	if err := tx.write(v1alpha1.Added, o); err != nil {
		return nil, err
	}
	return o.DeepCopy(), nil
}

// Update replaces spec, labels and annotations and keeps status and
// server-set metadata. A non-empty resourceVersion must match the stored one.
// When nothing changes, the stored object is returned and no revision is used.
func (tx *Tx) Update(obj *v1alpha1.Object) (*v1alpha1.Object, error) {
	cur, err := tx.current(obj)
	if err != nil {
		return nil, err
	}
	spec, err := v1alpha1.Canonical(obj.Spec)
	if err != nil {
		return nil, errorf(ErrInvalid, "%s %q: spec: %v", obj.Kind, obj.Metadata.Name, err)
	}
	labels, annotations := nilIfEmpty(obj.Metadata.Labels), nilIfEmpty(obj.Metadata.Annotations)
	specChanged := !bytes.Equal(spec, cur.Spec)
	if !specChanged && maps.Equal(labels, cur.Metadata.Labels) && maps.Equal(annotations, cur.Metadata.Annotations) {
		return cur, nil
	}
	cur.Spec, cur.Metadata.Labels, cur.Metadata.Annotations = spec, labels, annotations
	if specChanged {
		cur.Metadata.Generation++
	}
	if err := tx.write(v1alpha1.Modified, cur); err != nil {
		return nil, err
	}
	return cur.DeepCopy(), nil
}

// UpdateStatus replaces status only; generation never moves. A non-empty
// resourceVersion must match. An unchanged status writes nothing.
func (tx *Tx) UpdateStatus(obj *v1alpha1.Object) (*v1alpha1.Object, error) {
	cur, err := tx.current(obj)
	if err != nil {
		return nil, err
	}
	return tx.setStatus(cur, obj.Status)
}

// setStatus writes status into the stored object cur, unless it is the
// same in canonical form.
func (tx *Tx) setStatus(cur *v1alpha1.Object, raw []byte) (*v1alpha1.Object, error) {
	status, err := v1alpha1.Canonical(raw)
	if err != nil {
		return nil, errorf(ErrInvalid, "%s %q: status: %v", cur.Kind, cur.Metadata.Name, err)
	}
	if bytes.Equal(status, cur.Status) {
		return cur, nil
	}
	cur.Status = status
	if err := tx.write(v1alpha1.Modified, cur); err != nil {
		return nil, err
	}
	return cur.DeepCopy(), nil
}

// Delete removes an object. A non-empty resourceVersion must match. The
// DELETED event carries the object's last state at the deletion's revision.
func (tx *Tx) Delete(kind, name, resourceVersion string) (*v1alpha1.Object, error) {
	cur, err := tx.current(&v1alpha1.Object{Kind: kind, Metadata: v1alpha1.ObjectMeta{Name: name, ResourceVersion: resourceVersion}})
	if err != nil {
		return nil, err
	}
	if err := tx.write(v1alpha1.Deleted, cur); err != nil {
		return nil, err
	}
	return cur.DeepCopy(), nil
}

// current loads the stored object obj names and checks obj's resourceVersion.
func (tx *Tx) current(obj *v1alpha1.Object) (*v1alpha1.Object, error) {
	if err := checkIdentity(obj); err != nil {
		return nil, err
	}
	cur, err := tx.Get(obj.Kind, obj.Metadata.Name)
	if err != nil {
		return nil, err
	}
	if rv := obj.Metadata.ResourceVersion; rv != "" && rv != cur.Metadata.ResourceVersion {
		return nil, errorf(ErrConflict, "%s %q: resourceVersion %s is stale (current %s)",
			obj.Kind, obj.Metadata.Name, rv, cur.Metadata.ResourceVersion)
	}
	return cur, nil
}

// write takes the next revision, stores o (or removes it for Deleted) and
// appends the event, all inside the bbolt transaction. The object is encoded
// (and, for a sealed kind, sealed) once: the event carries the same stored bytes,
// so the log never holds a form the objects bucket does not.
func (tx *Tx) write(typ v1alpha1.EventType, o *v1alpha1.Object) error {
	if typ != v1alpha1.Deleted {
		if err := tx.s.checkQuota(); err != nil {
			return err
		}
	}
	events := tx.btx.Bucket(bucketEvents)
	seq, err := events.NextSequence()
	if err != nil {
		return fmt.Errorf("store: next revision: %w", err)
	}
	o.Metadata.ResourceVersion = strconv.FormatUint(seq, 10)
	stored, err := tx.s.encodeObject(o)
	if err != nil {
		return err
	}
	b, err := tx.bucket(o.Kind, true)
	if err != nil {
		return err
	}
	if typ == v1alpha1.Deleted {
		err = b.Delete([]byte(o.Metadata.Name))
	} else {
		err = b.Put([]byte(o.Metadata.Name), stored)
	}
	if err != nil {
		return fmt.Errorf("store: write %s: %w", o.Key(), err)
	}
	rec := &eventRecord{Type: typ, Time: tx.now.UnixNano(), Object: o, rev: int64(seq)}
	v, err := encodeEvent(rec, stored)
	if err != nil {
		return err
	}
	if err := events.Put(u64Key(seq), v); err != nil {
		return fmt.Errorf("store: append event %d: %w", seq, err)
	}
	tx.events = append(tx.events, rec)
	return nil
}

// publish applies committed events to the cache and hands them to watchers.
// The caller holds wmu, so events leave in revision order.
func (s *Store) publish(events []*eventRecord) {
	if len(events) == 0 {
		return
	}
	s.cmu.Lock()
	for _, ev := range events {
		o := ev.Object
		if ev.Type == v1alpha1.Deleted {
			delete(s.cache[o.Kind], o.Metadata.Name)
			continue
		}
		m := s.cache[o.Kind]
		if m == nil {
			m = map[string]*v1alpha1.Object{}
			s.cache[o.Kind] = m
		}
		m[o.Metadata.Name] = o
	}
	s.rev = events[len(events)-1].rev
	s.cmu.Unlock()
	for w := range s.watchers {
		if !w.offer(events) {
			delete(s.watchers, w)
		}
	}
}

func checkIdentity(obj *v1alpha1.Object) error {
	if obj == nil || obj.Kind == "" || obj.Metadata.Name == "" {
		return errorf(ErrInvalid, "kind and metadata.name are required")
	}
	return nil
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return maps.Clone(m)
}
