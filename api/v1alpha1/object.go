package v1alpha1

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
)

const (
	// Group is the API group of every ocppgw resource.
	Group = "ocppgw.dev"
	// Version is the API version of this package.
	Version = "v1alpha1"
	// APIVersion is the apiVersion string objects of this package carry.
	APIVersion = Group + "/" + Version
)

// ObjectMeta is the metadata every resource carries. Name, labels and annotations
// are the user's; the rest is set by the store.
type ObjectMeta struct {
	Name              string            `json:"name" schema:"is=name"`
	UID               string            `json:"uid,omitempty"`
	ResourceVersion   string            `json:"resourceVersion,omitempty"`
	Generation        int64             `json:"generation,omitempty" schema:"minimum=0"`
	CreationTimestamp string            `json:"creationTimestamp,omitempty" schema:"is=dateTime"`
	Labels            map[string]string `json:"labels,omitempty" schema:"keys.is=labelKey,items.is=labelValue"`
	Annotations       map[string]string `json:"annotations,omitempty" schema:"keys.is=labelKey"`
}

// Object is the kind-agnostic envelope of a resource. Spec and Status hold the
// kind's JSON; the store keeps Spec in canonical form (sorted keys, no spaces) so
// that generation moves only when the spec really changes.
type Object struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Metadata   ObjectMeta      `json:"metadata"`
	Spec       json.RawMessage `json:"spec,omitempty"`
	Status     json.RawMessage `json:"status,omitempty"`
}

// Key returns "Kind/name", the identity of an object in logs and errors.
func (o *Object) Key() string { return o.Kind + "/" + o.Metadata.Name }

// DeepCopy returns a copy that shares no memory with o.
func (o *Object) DeepCopy() *Object {
	if o == nil {
		return nil
	}
	c := *o
	c.Metadata.Labels = maps.Clone(o.Metadata.Labels)
	c.Metadata.Annotations = maps.Clone(o.Metadata.Annotations)
	c.Spec = bytes.Clone(o.Spec)
	c.Status = bytes.Clone(o.Status)
	return &c
}

// Canonical re-encodes a JSON document with sorted keys and no insignificant
// space. Two documents with the same content have the same canonical bytes.
// Empty input and JSON null both give nil.
func Canonical(raw json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	if v == nil {
		return nil, nil
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	return out, nil
}

// EventType says what happened to the object of an Event.
type EventType string

// The event types of a watch stream, as in Kubernetes.
const (
	Added    EventType = "ADDED"
	Modified EventType = "MODIFIED"
	Deleted  EventType = "DELETED"
	// Bookmark carries only metadata.resourceVersion: every change up to that
	// revision has been delivered, so a watch may resume from it.
	Bookmark EventType = "BOOKMARK"
	// Error carries a Status object; the stream ends after it.
	Error EventType = "ERROR"
)

// InitialEventsEndAnnotation marks the bookmark that ends the synthetic ADDED
// events of a watch started without a resourceVersion.
const InitialEventsEndAnnotation = "ocppgw.dev/initial-events-end"

// Event is one change in a watch stream. For DELETED, Object is the object's last
// state with the deletion's resourceVersion.
type Event struct {
	Type   EventType `json:"type"`
	Object *Object   `json:"object"`
}
