package v1alpha1

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// ChargerConnection holds exactly one way of reaching the device: one
// registered protocol's connection, under its key. Its document form is an
// object with that one key, {"modbusTCP": {"host": …}}.
type ChargerConnection struct {
	key  string
	spec ConnectionSpec // a pointer to the key's registered type
	// keys lists every key a document set, when it set other than one, so
	// that Validate can say so with the field path (decoding cannot).
	keys []string
}

// NewConnection returns a connection holding spec under key. spec must be a
// pointer to the type registered for key.
func NewConnection(key string, spec ConnectionSpec) ChargerConnection {
	return ChargerConnection{key: key, spec: spec}
}

// Key returns the connection's key ("modbusTCP"); "" when none is set.
func (c ChargerConnection) Key() string { return c.key }

// Spec returns the connection's spec, a pointer to the key's registered
// type; nil when none is set.
func (c ChargerConnection) Spec() ConnectionSpec { return c.spec }

// IsZero reports whether no connection is set.
func (c ChargerConnection) IsZero() bool { return c.spec == nil && len(c.keys) == 0 }

// ConnectionAs returns the connection's spec when it is a *T, else nil.
func ConnectionAs[T any](c ChargerConnection) *T {
	t, _ := any(c.spec).(*T)
	return t
}

// Protocol returns the protocol of the connection's key; "" when none is set.
func (c ChargerConnection) Protocol() string {
	p, _ := ConnectionProtocol(c.key)
	return p
}

// BusUser is implemented by a connection spec that reaches its device over
// a Bus (an RS-485 line declared as its own resource).
type BusUser interface {
	// BusName names the Bus.
	BusName() string
}

// Summarizer is implemented by a connection spec that can say in a few
// words where its device is, for listings ("goe 192.168.1.60").
type Summarizer interface {
	Summary() string
}

// Bus names the Bus the connection's device is on; "" when it uses none.
func (c ChargerConnection) Bus() string {
	if b, ok := c.spec.(BusUser); ok {
		return b.BusName()
	}
	return ""
}

// MarshalJSON writes {"<key>": spec}; {} when none is set.
func (c ChargerConnection) MarshalJSON() ([]byte, error) {
	if c.spec == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(map[string]any{c.key: c.spec})
}

// UnmarshalJSON reads an object with one registered key. Unknown keys are
// an error; more or fewer than one key decode the first (by name) and are
// reported by Validate, with the field path.
func (c *ChargerConnection) UnmarshalJSON(b []byte) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return fmt.Errorf("connection: %w", err)
	}
	*c = ChargerConnection{}
	if members == nil {
		return nil // null
	}
	types := ConnectionTypes()
	keys := slices.Sorted(maps.Keys(members))
	for _, k := range keys {
		if _, ok := types[k]; !ok {
			return fmt.Errorf("connection: unknown key %q; known: %s", k, strings.Join(ConnectionKeys(), ", "))
		}
	}
	if len(keys) != 1 {
		c.keys = keys
	}
	if len(keys) == 0 {
		return nil
	}
	// Unknown members and wrong types inside are the resource schema's to
	// report, with paths; like encoding/json, keep what did decode.
	v := reflect.New(types[keys[0]])
	c.key, c.spec = keys[0], v.Interface().(ConnectionSpec)
	if err := json.Unmarshal(members[keys[0]], v.Interface()); err != nil {
		return fmt.Errorf("connection.%s: %w", keys[0], err)
	}
	return nil
}

// JSONSchemaOneOf lists the alternatives of the document form for the
// resource schema generator: exactly one of these keys, with its type.
func (ChargerConnection) JSONSchemaOneOf() map[string]reflect.Type { return ConnectionTypes() }

// oneOfStruct builds a struct type with one pointer field per member, named
// by its JSON key: the document form the resource schema describes.
func oneOfStruct(members map[string]reflect.Type) reflect.Type {
	fields := make([]reflect.StructField, 0, len(members))
	for i, k := range slices.Sorted(maps.Keys(members)) {
		fields = append(fields, reflect.StructField{
			Name: fmt.Sprintf("F%d", i),
			Type: reflect.PointerTo(members[k]),
			Tag:  reflect.StructTag(fmt.Sprintf(`json:%q`, k+",omitempty")),
		})
	}
	return reflect.StructOf(fields)
}

func (c *ChargerConnection) setDefaults() {
	if c.spec != nil {
		c.spec.SetDefaults()
	}
}

func validateConnection(errs *fieldErrors, p FieldPath, c *ChargerConnection) {
	known := strings.Join(ConnectionKeys(), ", ")
	switch {
	case len(c.keys) > 1:
		errs.add(p, "must set exactly one of "+known+", got "+strings.Join(c.keys, " and "))
		return
	case c.spec == nil:
		errs.add(p, "must set exactly one of "+known)
		return
	}
	*errs = append(*errs, c.spec.Validate(p.Key(c.key))...)
}
