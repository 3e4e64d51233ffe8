package cel

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// ErrUnsupported is returned for a command the template does not implement.
// The caller answers the CSMS NotSupported rather than guessing.
var ErrUnsupported = errors.New("cel: not supported by the template")

// ErrInputMissing is returned for a command whose expression needs an input
// (a block, an EPC) that the last poll did not bring. Nothing is written;
// the command can succeed once the input arrives.
var ErrInputMissing = errors.New("input not available")

// Input is what one poll read, as expressions see it.
type Input struct {
	// Regs holds each Modbus read block by name; coils and discrete inputs
	// as 0/1.
	Regs map[string][]uint16
	// EPC holds ECHONET Lite property data by property code.
	EPC map[byte][]byte
	// Prev holds the signals of the previous poll (bool, float64, string);
	// nil is an empty map.
	Prev map[string]any
	// ConnectorID is the connector the signals or command concern.
	ConnectorID int
	// SetMap lists the EPCs the device's Set property map (0x9E) names,
	// decoded; nil when it was not read. Echonet commands see it as setEPCs.
	SetMap []byte
	// Data holds a registered protocol's keyed values (Protocol.DataVar),
	// e.g. the members of a JSON status document; a key that did not arrive
	// is absent, and a null member counts as absent.
	Data map[string]any
	// DataAbsent says why a key is missing from Data, when the driver knows.
	DataAbsent map[string]string
	// EPCAbsent and RegsAbsent say why a property or block of the read is
	// missing from EPC or Regs, when the driver knows ("Get_SNA",
	// "exception 0x02"). Without a reason the signals that need it say
	// "not received" / "not read".
	EPCAbsent  map[byte]string
	RegsAbsent map[string]string
}

// Args are a command's arguments. Each command sees only its own:
// setCurrentLimit and start limitA, setPowerLimit limitW, setAvailable available.
type Args struct {
	LimitA    float64
	LimitW    float64
	Available bool
}

// activation resolves the declared variables without building a map per
// evaluation; one activation serves every signal of a poll.
type activation struct {
	prev        ref.Val
	vars        map[string]ref.Val // the protocol's variables (Protocol.Bind, DataVar)
	connectorID types.Int
	args        Args
	// bounded is whether the input is within the sizes the cost estimate
	// assumed (sizes.go).
	bounded bool
}

var _ interpreter.Activation = (*activation)(nil)

func newActivation(protocol, command string, in *Input, args Args) *activation {
	if in == nil {
		in = &Input{}
	}
	a := &activation{connectorID: types.Int(in.ConnectorID), args: args, bounded: withinDeclaredSizes(in)}
	if p := lookupProtocol(protocol); p != nil {
		if p.Bind != nil {
			a.vars = p.Bind(in, command)
		}
		if p.DataVar != "" {
			if a.vars == nil {
				a.vars = map[string]ref.Val{}
			}
			a.vars[p.DataVar] = dataValue(in.Data)
		}
		a.bounded = a.bounded && (p.Bounded == nil || p.Bounded(in))
	}
	prev := in.Prev
	if prev == nil {
		prev = map[string]any{}
	}
	a.prev = types.NewStringInterfaceMap(types.DefaultTypeAdapter, prev)
	return a
}

func regsValue(in *Input) ref.Val {
	m := make(map[string]ref.Val, len(in.Regs))
	for name, words := range in.Regs {
		// int64 is what the register functions read without boxing.
		ws := make([]int64, len(words))
		for i, w := range words {
			ws[i] = int64(w)
		}
		m[name] = types.NewList(types.DefaultTypeAdapter, ws)
	}
	return types.NewMap(types.DefaultTypeAdapter, m)
}

func epcValue(in *Input) ref.Val {
	m := make(map[int64][]byte, len(in.EPC))
	for code, data := range in.EPC {
		if len(data) > 0 { // PDC=0: the device sent no value
			m[int64(code)] = data
		}
	}
	return types.NewMap(types.DefaultTypeAdapter, m)
}

func setEPCsValue(in *Input) ref.Val {
	set := make([]int64, len(in.SetMap))
	for i, code := range in.SetMap {
		set[i] = int64(code)
	}
	return types.NewList(types.DefaultTypeAdapter, set)
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case VarPrev:
		return a.prev, true
	case VarConnectorID:
		return a.connectorID, true
	case VarLimitA:
		return types.Double(a.args.LimitA), true
	case VarLimitW:
		return types.Double(a.args.LimitW), true
	case VarAvailable:
		return types.Bool(a.args.Available), true
	}
	v, ok := a.vars[name]
	return v, ok
}

func (a *activation) Parent() interpreter.Activation { return nil }

// Mapping is a resolved template compiled: a program per signal and per
// command. Building one compiles everything; evaluating compiles nothing.
type Mapping struct {
	protocol string
	signals  []namedProgram // sorted by name, so errors come in a stable order
	commands map[string]*Program
	reads    declaredReads
}

type namedProgram struct {
	name, field string
	prg         *Program
}

// NewMapping compiles every expression of a resolved (extends already
// applied) template spec. It returns all problems at once, each naming its
// field (spec.signals.<name>, spec.commands.<name>.expr), and a nil Mapping
// if there are any.
func NewMapping(spec *v1alpha1.TemplateSpec) (*Mapping, []error) {
	p := spec.Protocol
	if lookupProtocol(p) == nil {
		return nil, []error{fmt.Errorf("spec.protocol: must be one of %s, got %q", strings.Join(protocolNames(), ", "), p)}
	}
	m := &Mapping{protocol: p, commands: map[string]*Program{}, reads: declare(spec.Read)}
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(spec.Signals)) {
		field := "spec.signals." + name
		want, ok := SignalOutput(name)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: unknown signal %q", field, name))
			continue
		}
		prg, err := compileField(SignalEnv(p), field, spec.Signals[name], want, spec.Read, &errs)
		if err == nil {
			m.signals = append(m.signals, namedProgram{name, field, prg})
		}
	}
	for _, name := range slices.Sorted(maps.Keys(spec.Commands)) {
		field := "spec.commands." + name + ".expr"
		if !slices.Contains(v1alpha1.CommandNames, name) {
			errs = append(errs, fmt.Errorf("spec.commands.%s: unknown command %q", name, name))
			continue
		}
		prg, err := compileField(CommandEnv(p, name), field, spec.Commands[name].Expr, OutputWrites, spec.Read, &errs)
		if err == nil {
			m.commands[name] = prg
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return m, nil
}

// compileField compiles one expression, appending each of its problems to
// errs with the field set.
func compileField(kind EnvKind, field, expr string, want OutputType, read *v1alpha1.TemplateRead, errs *[]error) (*Program, error) {
	prg, err := Compile(kind, expr, want)
	if err == nil {
		err = checkReads(prg, expr, read)
	}
	if err == nil {
		return prg, nil
	}
	for _, e := range flatten(err) {
		var ce *Error
		if errors.As(e, &ce) {
			c := *ce // the cached original stays field-free
			c.Field = field
			e = &c
		} else {
			e = fmt.Errorf("%s: %w", field, e)
		}
		*errs = append(*errs, e)
	}
	return nil, err
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// Signals returns the names of the signals the mapping produces, sorted.
func (m *Mapping) Signals() []string {
	names := make([]string, len(m.signals))
	for i, s := range m.signals {
		names[i] = s.name
	}
	return names
}

// HasCommand reports whether the template implements the command.
func (m *Mapping) HasCommand(name string) bool { return m.commands[name] != nil }

// EvalSignals evaluates every signal over one poll's input: the known values,
// and as errors both the failed signals and the unknown ones (each an
// *UnknownError), named by field. It is Evaluate for callers that do not yet
// tell unknown from wrong.
func (m *Mapping) EvalSignals(in *Input) (map[string]any, []error) {
	ev := m.Evaluate(in)
	errs := ev.Errors
	for _, name := range slices.Sorted(maps.Keys(ev.Unknown)) {
		errs = append(errs, &UnknownError{Field: "spec.signals." + name, Reason: ev.Unknown[name]})
	}
	return ev.Signals, errs
}

// EvalCommand computes the writes of a command from the last input and the
// command's arguments. A command the template lacks yields ErrUnsupported;
// one that fails because an input it names was not read (yet) yields
// ErrInputMissing, naming the input; other failures name the field.
func (m *Mapping) EvalCommand(name string, in *Input, args Args) ([]Write, error) {
	prg := m.commands[name]
	if prg == nil {
		return nil, fmt.Errorf("command %q: %w", name, ErrUnsupported)
	}
	if in == nil {
		in = &Input{}
	}
	in = m.screen(in)
	v, err := prg.eval(newActivation(m.protocol, name, in, args))
	if err != nil {
		if missing := missingKeys(prg.keys, in); missing != "" {
			return nil, fmt.Errorf("command %q: %w: %s", name, ErrInputMissing, missing)
		}
		return nil, fmt.Errorf("spec.commands.%s.expr: %w", name, m.hexKeys(err))
	}
	return v.([]Write), nil
}
