package drivers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"sync"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/pflag"
)

// Protocol is everything a device protocol declares to the gateway.
type Protocol struct {
	// Name is a Template's spec.protocol.
	Name string
	// Connections maps each spec.connection key to the Go struct type it
	// decodes into; its pointer implements v1alpha1.ConnectionSpec.
	Connections map[string]reflect.Type
	// Read is the Go struct type of spec.read.<Name>; its pointer
	// implements v1alpha1.ReadSpec. nil: the protocol reads nothing a
	// template declares.
	Read reflect.Type
	// CEL holds the protocol's CEL environment pieces; its Name is set
	// from Name.
	CEL cel.Protocol
	// NewOpener makes the protocol's Opener, once per Set, on the first
	// device of the protocol, from the configuration the Set was given for
	// the protocol (nil when none). An Opener that also implements
	// io.Closer is closed with the Set.
	NewOpener func(config any) (Opener, error)
	// Flags defines the protocol's gwd flags on fs (AddFlags) and returns
	// what builds the configuration NewOpener gets from their values, once
	// the command line is parsed. Every flag can then also be set by an
	// OCPPGW_ variable or a key of gwd's settings file. nil: the protocol
	// has no flags, and NewOpener gets nil.
	Flags func(fs *pflag.FlagSet) func() any
	// DiscoverRequest is the Go type of the protocol's discovery request
	// (`gwctl discover <protocol>`), whose opener implements Discoverer;
	// nil when the protocol has no discovery.
	DiscoverRequest reflect.Type
	// Metrics are the descriptors of the protocol's metric families, whose
	// Opener implements Collector. They are named without the gateway's
	// namespace (modbus_requests_total), which metrics adds (as
	// ocppgw_modbus_requests_total). nil: the protocol has no metrics.
	Metrics []*prometheus.Desc
	// DiscoverCommand is the protocol's `gwctl discover <protocol>`
	// command; nil: gwctl has none for it.
	DiscoverCommand *DiscoverCommand
	// MappingTestFlags are the protocol's connection flags of `gwctl
	// mapping test --template`; nil: its devices are given there with
	// --connection only.
	MappingTestFlags *MappingTestFlags
}

// Discoverable returns the protocols with a discovery, sorted.
func Discoverable() []string {
	registry.RLock()
	defer registry.RUnlock()
	var out []string
	for name, p := range registry.m {
		if p.DiscoverRequest != nil {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

var registry struct {
	sync.RWMutex
	m map[string]Protocol
}

// Register makes a protocol known to the resource types, to CEL and to
// every Set. Call it from the protocol package's init function. It panics
// on a programming error: a name or connection key taken, a missing opener.
//
// Modbus and ECHONET Lite leave Connections, Read and CEL empty: their spec
// types and CEL pieces are registered by api/v1alpha1 and cel themselves.
func Register(p Protocol) {
	if p.NewOpener == nil {
		panic(fmt.Sprintf("drivers: protocol %q has no NewOpener", p.Name))
	}
	checkCLI(p)
	if p.Connections != nil || p.Read != nil {
		v1alpha1.RegisterProtocol(v1alpha1.ProtocolSpec{Name: p.Name, Connections: p.Connections, Read: p.Read})
	}
	if p.CEL.Options != nil || p.CEL.DataVar != "" {
		p.CEL.Name = p.Name
		cel.RegisterProtocol(p.CEL)
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.m == nil {
		registry.m = map[string]Protocol{}
	}
	registry.m[p.Name] = p
}

// Names returns the protocols registered here, sorted.
func Names() []string {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Sorted(maps.Keys(registry.m))
}

// Lookup returns the registered protocol called name.
func Lookup(name string) (Protocol, bool) {
	registry.RLock()
	defer registry.RUnlock()
	p, ok := registry.m[name]
	return p, ok
}

// Set opens devices through the registered protocols, making each
// protocol's Opener on first use, so that what a protocol shares between
// its devices (a connection pool, a socket) lives as long as the Set.
type Set struct {
	configs map[string]any
	mu      sync.Mutex
	openers map[string]Opener
	closed  bool
}

// NewSet returns a Set whose protocols get their configuration from
// configs, by protocol name (gwd's come from the protocols' flags,
// AddFlags); a protocol without an entry gets nil.
func NewSet(configs map[string]any) *Set {
	return &Set{configs: configs, openers: map[string]Opener{}}
}

// Open implements Opener: it opens cfg's device with the protocol that
// registered its connection key.
func (s *Set) Open(ctx context.Context, cfg Config) (Device, error) {
	key := cfg.Connection.Key()
	name, ok := v1alpha1.ConnectionProtocol(key)
	if !ok {
		return nil, fmt.Errorf("drivers: connection %q: no protocol registered it", key)
	}
	o, err := s.Opener(name)
	if err != nil {
		return nil, fmt.Errorf("connection %q: %w", key, err)
	}
	return o.Open(ctx, cfg)
}

// Opener returns the Set's opener of the named protocol, making it on
// first use; callers that need more of a protocol than Open (discovery,
// statistics) assert it to the protocol's own type.
func (s *Set) Opener(name string) (Opener, error) {
	p, ok := Lookup(name)
	if !ok {
		return nil, fmt.Errorf("drivers: protocol %q has no driver in this binary", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, fmt.Errorf("drivers: %w: the set is closed", ErrClosed)
	}
	if o := s.openers[name]; o != nil {
		return o, nil
	}
	o, err := p.NewOpener(s.configs[name])
	if err != nil {
		return nil, fmt.Errorf("drivers: %s: %w", name, err)
	}
	s.openers[name] = o
	return o, nil
}

// Close closes every Opener the Set made that is an io.Closer.
func (s *Set) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(s.openers)) {
		if c, ok := s.openers[name].(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}
