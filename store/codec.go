package store

import (
	"encoding/json"
	"fmt"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// eventDoc is an events-bucket value. The event of a sealed kind carries the
// same sealed bytes as the objects bucket got, with the kind and name in the
// clear because they are the additional data that opens it. Type and ts stay
// in the clear as well, so compaction never needs the key.
type eventDoc struct {
	Type   v1alpha1.EventType `json:"type"`
	Time   int64              `json:"ts"` // unix nanoseconds, for age-based compaction
	Object json.RawMessage    `json:"object,omitempty"`
	Kind   string             `json:"kind,omitempty"`
	Name   string             `json:"name,omitempty"`
	Sealed []byte             `json:"sealed,omitempty"` // base64 in the JSON
}

// encodeObject returns the objects-bucket value of o: its JSON, sealed for
// the kinds Options.SealedKinds names.
func (s *Store) encodeObject(o *v1alpha1.Object) ([]byte, error) {
	v, err := json.Marshal(o)
	if err != nil {
		return nil, fmt.Errorf("store: encode %s: %w", o.Key(), err)
	}
	if !s.sealed[o.Kind] {
		return v, nil
	}
	return s.sealer.seal(o.Kind, o.Metadata.Name, v)
}

// decodeObject reads an objects-bucket value. A sealed value is opened
// whatever its kind; plain JSON is read as is, which is how objects of a
// sealed kind stored before encryption existed stay readable until their next write seals them.
func (s *Store) decodeObject(kind, name string, v []byte) (*v1alpha1.Object, error) {
	if isSealed(v) {
		var err error
		if v, err = s.sealer.open(kind, name, v); err != nil {
			return nil, err
		}
	}
	o := &v1alpha1.Object{}
	if err := json.Unmarshal(v, o); err != nil {
		return nil, fmt.Errorf("store: decode %s %q: %w", kind, name, err)
	}
	return o, nil
}

// encodeEvent returns the events-bucket value of rec, whose object's stored
// form encodeObject returned as stored.
func encodeEvent(rec *eventRecord, stored []byte) ([]byte, error) {
	doc := eventDoc{Type: rec.Type, Time: rec.Time}
	if isSealed(stored) {
		doc.Kind, doc.Name, doc.Sealed = rec.Object.Kind, rec.Object.Metadata.Name, stored
	} else {
		doc.Object = stored
	}
	v, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("store: encode event %d: %w", rec.rev, err)
	}
	return v, nil
}

// decodeEvent reads the events-bucket value of revision rev.
func (s *Store) decodeEvent(rev int64, v []byte) (*eventRecord, error) {
	var doc eventDoc
	if err := json.Unmarshal(v, &doc); err != nil {
		return nil, fmt.Errorf("store: decode event %d: %w", rev, err)
	}
	raw := []byte(doc.Object)
	if doc.Sealed != nil {
		var err error
		if raw, err = s.sealer.open(doc.Kind, doc.Name, doc.Sealed); err != nil {
			return nil, fmt.Errorf("%w (event %d)", err, rev)
		}
	}
	o := &v1alpha1.Object{}
	if err := json.Unmarshal(raw, o); err != nil {
		return nil, fmt.Errorf("store: decode event %d: %w", rev, err)
	}
	return &eventRecord{Type: doc.Type, Time: doc.Time, Object: o, rev: rev}, nil
}
