package cel

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// OutputType is what an expression must evaluate to.
type OutputType int

// The output types.
const (
	OutputBool OutputType = iota + 1
	// OutputNumber accepts int, uint or double expressions and evaluates to
	// float64, so `u32(regs["s"], 20)` serves as powerW without double().
	OutputNumber
	OutputString
	// OutputWrites accepts one write or a list of writes; evaluates to []Write.
	OutputWrites
)

func (o OutputType) String() string {
	switch o {
	case OutputBool:
		return "bool"
	case OutputNumber:
		return "number (int or double)"
	case OutputString:
		return "string"
	case OutputWrites:
		return "list of writes"
	}
	return fmt.Sprintf("OutputType(%d)", int(o))
}

// accepts reports whether a checked type t can yield o. dyn is accepted and
// checked at evaluation, as prev["x"] can only be typed at runtime.
func (o OutputType) accepts(t *celgo.Type) bool {
	k := t.Kind()
	if k == celgo.DynKind {
		return true
	}
	switch o {
	case OutputBool:
		return k == celgo.BoolKind
	case OutputNumber:
		return k == celgo.IntKind || k == celgo.UintKind || k == celgo.DoubleKind
	case OutputString:
		return k == celgo.StringKind
	case OutputWrites:
		if t.IsExactType(writeType) {
			return true
		}
		if k != celgo.ListKind || len(t.Parameters()) != 1 {
			return false
		}
		e := t.Parameters()[0]
		return e.IsExactType(writeType) || e.Kind() == celgo.DynKind || e.Kind() == celgo.TypeParamKind
	}
	return false
}

var signalOutputs = map[string]OutputType{
	"evConnected": OutputBool, "charging": OutputBool, "suspended": OutputBool,
	"faulted": OutputBool, "operative": OutputBool,
	"faultCode": OutputString, "idToken": OutputString, "vehicleId": OutputString,
	"energyWh": OutputNumber, "powerW": OutputNumber,
	"currentA1": OutputNumber, "currentA2": OutputNumber, "currentA3": OutputNumber,
	"voltageV1": OutputNumber, "voltageV2": OutputNumber, "voltageV3": OutputNumber,
	"socPercent": OutputNumber, "currentLimitA": OutputNumber,
}

// SignalOutput returns the output type of a canonical signal.
func SignalOutput(signal string) (OutputType, bool) {
	o, ok := signalOutputs[signal]
	return o, ok
}

// Error is a problem with one expression. Line and Column are 1-based and
// zero when the problem is the expression as a whole (its type or cost).
type Error struct {
	Field  string // where the expression sits, e.g. "spec.signals.powerW"; "" if unknown
	Expr   string
	Line   int
	Column int
	Msg    string
}

func (e *Error) Error() string {
	var sb strings.Builder
	if e.Field != "" {
		sb.WriteString(e.Field + ": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&sb, "line %d, column %d: ", e.Line, e.Column)
	}
	sb.WriteString(e.Msg)
	return sb.String()
}

// Program is one compiled, cost-checked expression. It is immutable and safe
// for concurrent use.
//
// It holds two plans of the same expression. The static estimate bounds the
// cost of every input within the declared sizes, so such input runs the
// plain plan; runtime cost tracking would double the time of a typical
// signal. Input beyond the declared sizes, which the estimate does not cover,
// runs the plan with the runtime cost limit.
type Program struct {
	env       EnvKind
	expr      string
	want      OutputType
	plain     celgo.Program
	limited   celgo.Program
	costRange [2]uint64
	keys      inputKeys
}

// Expr returns the source of p.
func (p *Program) Expr() string { return p.expr }

// EstimatedCost returns the static cost range of p over inputs of the
// declared sizes.
func (p *Program) EstimatedCost() (lo, hi uint64) { return p.costRange[0], p.costRange[1] }

type cacheKey struct {
	env  EnvKind
	want OutputType
	expr string
}

// maxCached bounds the program cache. Templates hold tens of expressions, so
// this is far above a real site; evicting keeps a gateway that sees endless
// edits from growing without bound.
var maxCached = 4096

var cache struct {
	sync.Mutex
	m map[cacheKey]*Program
}

// Compile parses, type-checks and cost-checks expr in the environment kind
// and returns its program, from the cache when the same expression was
// compiled before for the same environment and output. A problem with the
// expression is an *Error, or several joined with errors.Join; an unknown
// environment or output type is a plain error.
func Compile(kind EnvKind, expr string, want OutputType) (*Program, error) {
	key := cacheKey{kind, want, expr}
	cache.Lock()
	p, ok := cache.m[key]
	cache.Unlock()
	if ok {
		return p, nil
	}
	p, err := compile(kind, expr, want)
	if err != nil {
		return nil, err
	}
	cache.Lock()
	defer cache.Unlock()
	if old, ok := cache.m[key]; ok {
		return old, nil // another caller compiled it meanwhile; keep one
	}
	if cache.m == nil {
		cache.m = map[cacheKey]*Program{}
	}
	for k := range cache.m {
		if len(cache.m) < maxCached {
			break
		}
		delete(cache.m, k) // arbitrary victim: recompiling costs under a millisecond
	}
	cache.m[key] = p
	return p, nil
}

func compile(kind EnvKind, expr string, want OutputType) (p *Program, err error) {
	// Templates come from operators and the network; a parser or checker
	// bug must reject the expression, not take the gateway down.
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &Error{Expr: expr, Msg: fmt.Sprintf("internal error in the CEL compiler: %v", r)}
		}
	}()
	if want < OutputBool || want > OutputWrites {
		return nil, fmt.Errorf("cel: unknown output type %d", int(want))
	}
	env, err := environment(kind)
	if err != nil {
		return nil, err
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		return nil, issuesError(expr, iss)
	}
	whole := func(format string, args ...any) error {
		return &Error{Expr: expr, Msg: fmt.Sprintf(format, args...)}
	}
	if out := ast.OutputType(); !want.accepts(out) {
		return nil, whole("expression yields %s, want %s", out, want)
	}
	est, err := env.EstimateCost(ast, sizeEstimator{})
	if err != nil {
		return nil, whole("estimate cost: %v", err)
	}
	if est.Max > EstimatedCostLimit {
		return nil, whole("estimated worst-case cost %s exceeds the limit %d; iterating over inputs multiplies by their size "+
			"(register blocks up to %d entries, up to %d blocks)", costText(est.Max), EstimatedCostLimit, maxBlockLen, maxBlocks)
	}
	plain, err := env.Program(ast, celgo.EvalOptions(celgo.OptOptimize))
	if err != nil {
		return nil, whole("plan: %v", err)
	}
	limited, err := env.Program(ast, celgo.CostLimit(RuntimeCostLimit), celgo.EvalOptions(celgo.OptOptimize))
	if err != nil {
		return nil, whole("plan: %v", err)
	}
	return &Program{
		env: kind, expr: expr, want: want, plain: plain, limited: limited,
		costRange: [2]uint64{est.Min, est.Max},
		keys:      collectKeys(ast.NativeRep().Expr(), lookupProtocol(kind.Protocol).DataVar),
	}, nil
}

func costText(c uint64) string {
	if c == math.MaxUint64 {
		return "unbounded"
	}
	return fmt.Sprint(c)
}

// issuesError converts CEL's issues to Errors with 1-based positions.
func issuesError(expr string, iss *celgo.Issues) error {
	var errs []error
	for _, e := range iss.Errors() {
		ce := &Error{Expr: expr, Msg: e.Message}
		if loc := e.Location; loc != nil && loc.Line() > 0 {
			ce.Line, ce.Column = loc.Line(), loc.Column()+1
		}
		errs = append(errs, ce)
	}
	if len(errs) == 1 {
		return errs[0]
	}
	if len(errs) == 0 {
		return &Error{Expr: expr, Msg: iss.Err().Error()}
	}
	return errors.Join(errs...)
}

// errNaN is a number signal that evaluated to NaN, which devices use for
// "not available" (Alfen answers 0xFFFF 0xFFFF for a register it cannot
// read); Evaluate reports the signal unknown.
var errNaN = errors.New("result is NaN, not a number")

// Eval runs p over in (and args, for a command) and converts the result to
// Go: bool, float64, string or []Write, after the OutputType.
func (p *Program) Eval(in *Input, args Args) (any, error) {
	return p.eval(newActivation(p.env.Protocol, p.env.Command, in, args))
}

func (p *Program) eval(act *activation) (any, error) {
	prg := p.plain
	if !act.bounded {
		prg = p.limited
	}
	out, _, err := prg.Eval(act)
	if err != nil {
		return nil, err
	}
	return convert(out, p.want)
}

func convert(out ref.Val, want OutputType) (any, error) {
	switch want {
	case OutputBool:
		if b, ok := out.(types.Bool); ok {
			return bool(b), nil
		}
	case OutputNumber:
		var f float64
		switch v := out.(type) {
		case types.Double:
			f = float64(v)
		case types.Int:
			f = float64(v)
		case types.Uint:
			f = float64(v)
		default:
			return nil, fmt.Errorf("result is %s, want a number", out.Type().TypeName())
		}
		if math.IsNaN(f) {
			return nil, errNaN
		}
		if math.IsInf(f, 0) {
			return nil, fmt.Errorf("result %g is not a finite number", f)
		}
		return f, nil
	case OutputString:
		if s, ok := out.(types.String); ok {
			return string(s), nil
		}
	case OutputWrites:
		return writesOf(out)
	}
	return nil, fmt.Errorf("result is %s, want %s", out.Type().TypeName(), want)
}
