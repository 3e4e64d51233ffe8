package controllers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// Status is an object's status held as a map of top-level fields, so a
// controller can change the fields and conditions it owns and keep, byte for
// byte, those other controllers wrote.
type Status struct {
	fields     map[string]json.RawMessage
	conditions []v1alpha1.Condition
}

// DecodeStatus parses raw (which may be empty) into a Status.
func DecodeStatus(raw json.RawMessage) (*Status, error) {
	s := &Status{fields: map[string]json.RawMessage{}}
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return s, nil
	}
	if err := json.Unmarshal(raw, &s.fields); err != nil {
		return nil, fmt.Errorf("decode status: %w", err)
	}
	if c, ok := s.fields["conditions"]; ok {
		if err := json.Unmarshal(c, &s.conditions); err != nil {
			return nil, fmt.Errorf("decode status.conditions: %w", err)
		}
	}
	return s, nil
}

// Set replaces the top-level field with v encoded as JSON.
func (s *Status) Set(field string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode status.%s: %w", field, err)
	}
	s.fields[field] = raw
	return nil
}

// Remove deletes the top-level field.
func (s *Status) Remove(field string) { delete(s.fields, field) }

// Field returns the raw JSON of a top-level field, or nil.
func (s *Status) Field(field string) json.RawMessage { return s.fields[field] }

// ObservedGeneration returns status.observedGeneration, 0 when absent or not a number.
func (s *Status) ObservedGeneration() int64 {
	var g int64
	if raw, ok := s.fields["observedGeneration"]; ok {
		_ = json.Unmarshal(raw, &g) // a malformed value reads as "never observed"
	}
	return g
}

// SetObservedGeneration sets status.observedGeneration.
func (s *Status) SetObservedGeneration(g int64) {
	s.fields["observedGeneration"] = json.RawMessage(fmt.Sprint(g))
}

// Condition returns a copy of the condition of type typ, or nil.
func (s *Status) Condition(typ string) *v1alpha1.Condition {
	c := v1alpha1.FindCondition(s.conditions, typ)
	if c == nil {
		return nil
	}
	cp := *c
	return &cp
}

// SetCondition adds or updates c (see v1alpha1.SetCondition: the transition
// time moves only when the status flips). Conditions of other types stay.
func (s *Status) SetCondition(c v1alpha1.Condition, now time.Time) {
	v1alpha1.SetCondition(&s.conditions, c, now)
}

// Encode returns the status as canonical JSON.
func (s *Status) Encode() (json.RawMessage, error) {
	fields := make(map[string]json.RawMessage, len(s.fields)+1)
	for k, v := range s.fields {
		fields[k] = v
	}
	delete(fields, "conditions")
	if len(s.conditions) > 0 {
		raw, err := json.Marshal(s.conditions)
		if err != nil {
			return nil, fmt.Errorf("encode status.conditions: %w", err)
		}
		fields["conditions"] = raw
	}
	raw, err := json.Marshal(fields)
	if err != nil {
		return nil, fmt.Errorf("encode status: %w", err)
	}
	return v1alpha1.Canonical(raw)
}

// UpdateStatusIfChanged writes s as obj's status unless it equals obj's
// current status (compared as canonical JSON), and reports whether it wrote.
// The write carries obj's resourceVersion, so if someone else wrote the object
// since obj was read it fails with store.ErrConflict and the caller retries
// from fresh state instead of overwriting theirs.
//
// A controller writing its own kind uses Controller.UpdateStatusIfChanged,
// so that its write does not re-run it.
func UpdateStatusIfChanged(st *store.Store, obj *v1alpha1.Object, s *Status) (bool, error) {
	return updateStatusIfChanged(st, obj, s, nil)
}

// updateStatusIfChanged is UpdateStatusIfChanged telling note, when not nil,
// the status it is about to write, and nil if the write failed.
func updateStatusIfChanged(st *store.Store, obj *v1alpha1.Object, s *Status, note func(json.RawMessage)) (bool, error) {
	next, err := s.Encode()
	if err != nil {
		return false, fmt.Errorf("status of %s: %w", obj.Key(), err)
	}
	cur, err := v1alpha1.Canonical(obj.Status)
	if err != nil {
		return false, fmt.Errorf("status of %s: %w", obj.Key(), err)
	}
	if bytes.Equal(cur, next) {
		return false, nil
	}
	upd := obj.DeepCopy()
	upd.Status = next
	if note != nil {
		note(next)
	}
	if _, err := st.UpdateStatus(upd); err != nil {
		if note != nil {
			note(nil)
		}
		return false, fmt.Errorf("update status of %s: %w", obj.Key(), err)
	}
	return true, nil
}

// QueueStatusMerge queues, through the store's coalesced status path, a
// change to the fields and conditions owner keeps in an object's status.
// edit runs at flush time on the status as then stored, so it must only set
// what owner owns; the rest is kept as stored. This is the path for frequent
// writes (device polls); UpdateStatusIfChanged is for reconcilers.
func QueueStatusMerge(st *store.Store, kind, name, owner string, edit func(*Status) error) {
	st.QueueStatusPatch(kind, name, owner, func(cur json.RawMessage) (json.RawMessage, error) {
		s, err := DecodeStatus(cur)
		if err != nil {
			return nil, err
		}
		if err := edit(s); err != nil {
			return nil, err
		}
		return s.Encode()
	})
}
