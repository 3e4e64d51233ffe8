package v1alpha1

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sync"
)

// ProtocolSpec is what a device protocol declares to the resource types: the
// name a Template gives in spec.protocol, the Go types of the Charger
// connections it reaches devices through, and the Go type of its section of
// a Template's read. The drivers registry (package drivers) registers each
// protocol here, so that this package decodes, defaults and validates the
// protocol's spec fields without importing its driver.
type ProtocolSpec struct {
	// Name is the value of a Template's spec.protocol.
	Name string
	// Connections maps each spec.connection key to the Go struct type it
	// decodes into. Its pointer type must implement ConnectionSpec.
	Connections map[string]reflect.Type
	// Read is the Go struct type of spec.read.<Name>; nil when the protocol
	// keeps its read section in a field of TemplateRead. Its pointer type
	// must implement ReadSpec.
	Read reflect.Type
}

// ConnectionSpec is implemented by the pointer to each registered
// connection type.
type ConnectionSpec interface {
	// SetDefaults fills what the operator left out.
	SetDefaults()
	// Validate returns every problem of a defaulted connection, with paths
	// under p (spec.connection.<key>).
	Validate(p FieldPath) []FieldError
}

// ReadSpec is implemented by the pointer to each registered read section.
type ReadSpec interface {
	// Validate returns every problem of the section, with paths under p
	// (spec.read.<protocol>).
	Validate(p FieldPath) []FieldError
}

// registry holds the registered protocols. Registration happens in init
// functions; lookups happen at any time after, hence the lock.
var registry struct {
	sync.RWMutex
	protocols map[string]ProtocolSpec
	order     []string            // protocol names in registration order
	conns     map[string]connType // by spec.connection key
}

type connType struct {
	protocol string
	typ      reflect.Type
}

var (
	connectionSpecType = reflect.TypeFor[ConnectionSpec]()
	readSpecType       = reflect.TypeFor[ReadSpec]()
)

// RegisterProtocol makes a protocol's spec fields known. It panics on a
// programming error (a name or key registered twice, a type that does not
// implement its interface), as init-time registration does in database/sql
// and image.
func RegisterProtocol(p ProtocolSpec) {
	registry.Lock()
	defer registry.Unlock()
	if p.Name == "" {
		panic("v1alpha1: RegisterProtocol with an empty name")
	}
	if _, dup := registry.protocols[p.Name]; dup {
		panic(fmt.Sprintf("v1alpha1: protocol %q registered twice", p.Name))
	}
	if p.Read != nil && !reflect.PointerTo(p.Read).Implements(readSpecType) {
		panic(fmt.Sprintf("v1alpha1: protocol %q: *%v does not implement ReadSpec", p.Name, p.Read))
	}
	if registry.protocols == nil {
		registry.protocols = map[string]ProtocolSpec{}
		registry.conns = map[string]connType{}
	}
	for key, t := range p.Connections {
		if _, dup := registry.conns[key]; dup {
			panic(fmt.Sprintf("v1alpha1: connection %q registered twice", key))
		}
		if t.Kind() != reflect.Struct || !reflect.PointerTo(t).Implements(connectionSpecType) {
			panic(fmt.Sprintf("v1alpha1: connection %q: %v must be a struct whose pointer implements ConnectionSpec", key, t))
		}
		registry.conns[key] = connType{protocol: p.Name, typ: t}
	}
	registry.protocols[p.Name] = p
	registry.order = append(registry.order, p.Name)
}

// Protocols returns the names of the registered protocols in the order
// they registered: Modbus and ECHONET Lite first, then the plug-ins.
func Protocols() []string {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Clone(registry.order)
}

// ConnectionKeys returns the registered spec.connection keys, sorted.
func ConnectionKeys() []string {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Sorted(maps.Keys(registry.conns))
}

// ConnectionProtocol returns the protocol that registered a connection key.
func ConnectionProtocol(key string) (string, bool) {
	registry.RLock()
	defer registry.RUnlock()
	c, ok := registry.conns[key]
	return c.protocol, ok
}

// ConnectionTypes returns the Go type of each registered connection key.
func ConnectionTypes() map[string]reflect.Type {
	registry.RLock()
	defer registry.RUnlock()
	out := make(map[string]reflect.Type, len(registry.conns))
	for k, c := range registry.conns {
		out[k] = c.typ
	}
	return out
}

// readSections returns the Go type of each registered read section, by
// protocol name.
func readSections() map[string]reflect.Type {
	registry.RLock()
	defer registry.RUnlock()
	out := map[string]reflect.Type{}
	for name, p := range registry.protocols {
		if p.Read != nil {
			out[name] = p.Read
		}
	}
	return out
}
