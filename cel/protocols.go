package cel

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Protocol is what a device protocol adds to the CEL environments: the
// variables its raw values arrive in, its functions, its write builders, and
// the sizes that bound the cost estimate. The drivers registry registers
// each protocol here (package drivers), so this package builds the
// environments of protocols it does not know by name.
type Protocol struct {
	// Name is the Template spec.protocol the environments serve.
	Name string
	// Vars names the protocol's input variables, for messages and to pick
	// the likely protocol of an expression in a template that inherits it.
	Vars []string
	// DataVar, when set, declares a variable of type map<string, dyn> that
	// holds Input.Data: keyed values such as a JSON document's members. An
	// expression's constant keys of it (status["car"], status.car) are
	// inputs: one missing from Input.Data makes the signal unknown, not
	// wrong.
	DataVar string
	// ReadKeys returns the keys a template's read section asks the device
	// for, and that section's field ("spec.read.goe.keys"), so that an
	// expression reading another key of DataVar is rejected at apply
	// rather than unknown on every poll; nil: not checked.
	ReadKeys func(read *v1alpha1.TemplateRead) (keys []string, field string)
	// Options returns the declarations the protocol adds to the signal
	// environment (command "") or to a command's: its variables, functions,
	// and in commands its write builders (see WriteType and WriteValue).
	Options func(command string) []celgo.EnvOption
	// Bind resolves the variables Options declared, other than DataVar,
	// over one evaluation's input; nil when there are none.
	Bind func(in *Input, command string) map[string]ref.Val
	// Sizes bounds the protocol's variables for the cost estimate, by AST
	// path: "status", "status.@keys", "status.@values".
	Sizes map[string]cost.SizeEstimate
	// Bounded reports whether an input stays within Sizes; an input that
	// does not is evaluated under the runtime cost limit. nil: always.
	Bounded func(in *Input) bool
}

var protocols struct {
	sync.RWMutex
	m map[string]*Protocol
}

// RegisterProtocol adds a protocol's environment pieces. Call it from an
// init function only: environments built before it would not see it. It
// panics when the name is taken, as init-time registration does.
func RegisterProtocol(p Protocol) {
	protocols.Lock()
	defer protocols.Unlock()
	if _, dup := protocols.m[p.Name]; dup || p.Name == "" {
		panic(fmt.Sprintf("cel: protocol %q registered twice or unnamed", p.Name))
	}
	if protocols.m == nil {
		protocols.m = map[string]*Protocol{}
	}
	protocols.m[p.Name] = &p
	for k, v := range p.Sizes {
		sizes[k] = v
	}
}

// lookupProtocol returns the registered protocol called name, or nil.
func lookupProtocol(name string) *Protocol {
	protocols.RLock()
	defer protocols.RUnlock()
	return protocols.m[name]
}

// protocolNames returns the registered protocols, sorted.
func protocolNames() []string {
	protocols.RLock()
	defer protocols.RUnlock()
	return slices.Sorted(maps.Keys(protocols.m))
}

// likelyProtocols orders the registered protocols so that those whose
// variables expr names come first: an expression in a template that
// inherits its protocol is reported against the protocol it was written for.
func likelyProtocols(expr string) []string {
	names := protocolNames()
	slices.SortStableFunc(names, func(a, b string) int {
		return boolRank(mentions(expr, b)) - boolRank(mentions(expr, a))
	})
	return names
}

func mentions(expr, protocol string) bool {
	p := lookupProtocol(protocol)
	return p != nil && slices.ContainsFunc(p.Vars, func(v string) bool { return strings.Contains(expr, v) })
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// WriteType is the CEL type of a write: a protocol's write builders return it.
var WriteType = writeType

// WriteValue carries a Write through CEL, for a protocol's write builders.
// The builder checks the write's fields: drivers send it as is.
func WriteValue(w Write) ref.Val { return writeVal{w} }

// dataValue is Input.Data as CEL sees it, nil members dropped: a member
// the device answered null for is as unknown as one it did not send.
func dataValue(data map[string]any) ref.Val {
	m := make(map[string]any, len(data))
	for k, v := range data {
		if v != nil {
			m[k] = v
		}
	}
	return types.NewStringInterfaceMap(types.DefaultTypeAdapter, m)
}
