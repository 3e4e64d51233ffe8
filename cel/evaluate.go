package cel

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Evaluation is what one poll's input says about each signal. Every signal
// of the mapping is in exactly one of Signals, Unknown or Errors.
type Evaluation struct {
	// Signals holds the known values: bool, float64 or string.
	Signals map[string]any
	// Unknown holds, by signal, why its value is not known: an input it
	// reads did not arrive (`EPC 0xC7 not received`, `block "status" not
	// read`), arrived malformed, or the expression called unknown().
	// Nothing is guessed in their place.
	Unknown map[string]string
	// Errors are expressions that failed on input they had: a wrong
	// mapping, each error named by its field (spec.signals.<name>).
	Errors []error
}

// UnknownError reports an unknown signal where a caller expects errors
// (EvalSignals).
type UnknownError struct {
	Field  string // spec.signals.<name>
	Reason string
}

func (e *UnknownError) Error() string { return e.Field + ": unknown: " + e.Reason }

// Evaluate evaluates every signal over one poll's input. A signal is
// Unknown when its expression fails while an input key it names
// (regs["status"], epc[0xC7], prev["energyWh"]) is missing, when its value
// is NaN, or when it calls unknown(); one that succeeds without the key
// (`0xE1 in epc ? … : …`) is known. EDTs whose length differs from their
// declared size count as missing.
func (m *Mapping) Evaluate(in *Input) Evaluation {
	if in == nil {
		in = &Input{}
	}
	in = m.screen(in)
	act := newActivation(m.protocol, "", in, Args{})
	ev := Evaluation{Signals: make(map[string]any, len(m.signals)), Unknown: map[string]string{}}
	for _, s := range m.signals {
		v, err := s.prg.eval(act)
		if err == nil {
			ev.Signals[s.name] = v
		} else if why := unknownReason(err, s.prg.keys, in); why != "" {
			ev.Unknown[s.name] = why
		} else {
			ev.Errors = append(ev.Errors, fmt.Errorf("%s: %w", s.field, m.hexKeys(err)))
		}
	}
	return ev
}

// unknownReason says why a failed evaluation is an unknown value rather
// than a wrong mapping; "" when it is wrong.
func unknownReason(err error, keys inputKeys, in *Input) string {
	var u *unknownCall
	switch {
	case errors.As(err, &u):
		return u.reason
	case errors.Is(err, errNaN):
		return "the value is NaN (the device marks it not available)"
	}
	return missingKeys(keys, in)
}

// missingKeys names the keys of keys that in lacks, with why when known.
func missingKeys(keys inputKeys, in *Input) string {
	var why []string
	for _, c := range slices.Compact(slices.Sorted(slices.Values(keys.epcs))) {
		if c < 0 || c > 0xFF || len(in.EPC[byte(c)]) > 0 {
			continue
		}
		r, ok := in.EPCAbsent[byte(c)]
		switch {
		case ok:
		case in.EPC[byte(c)] != nil:
			r = "empty (PDC=0)"
		default:
			r = "not received"
		}
		why = append(why, fmt.Sprintf("EPC 0x%02X %s", c, r))
	}
	for _, b := range slices.Compact(slices.Sorted(slices.Values(keys.blocks))) {
		if _, ok := in.Regs[b]; ok {
			continue
		}
		r, ok := in.RegsAbsent[b]
		if !ok {
			r = "not read"
		}
		why = append(why, fmt.Sprintf("block %q %s", b, r))
	}
	for _, d := range slices.Compact(slices.Sorted(slices.Values(keys.data))) {
		if in.Data[d] != nil {
			continue
		}
		r, ok := in.DataAbsent[d]
		switch {
		case ok:
		case hasKey(in.Data, d):
			r = "null"
		default:
			r = "not received"
		}
		why = append(why, fmt.Sprintf("key %q %s", d, r))
	}
	for _, p := range slices.Compact(slices.Sorted(slices.Values(keys.prev))) {
		if _, ok := in.Prev[p]; !ok {
			why = append(why, fmt.Sprintf("no previous %s", p))
		}
	}
	return strings.Join(why, "; ")
}

var noSuchIntKey = regexp.MustCompile(`no such key: (\d+)`)

// hexKeys rewrites CEL's "no such key: 137" for an EPC as "no such key: EPC
// 0x89": EPCs are spoken of in hex everywhere else.
func (m *Mapping) hexKeys(err error) error {
	if m.protocol != v1alpha1.ProtocolEchonet || !noSuchIntKey.MatchString(err.Error()) {
		return err
	}
	return errors.New(noSuchIntKey.ReplaceAllStringFunc(err.Error(), func(s string) string {
		n, _ := strconv.Atoi(noSuchIntKey.FindStringSubmatch(s)[1])
		return fmt.Sprintf("no such key: EPC 0x%02X", n)
	}))
}

// unknownCall is the error unknown(reason) evaluates to.
type unknownCall struct{ reason string }

func (u *unknownCall) Error() string { return "unknown: " + u.reason }

// unknownFunc declares unknown(reason), which makes a signal Unknown on
// purpose, e.g. for a state code the device documents as undefined. It
// returns dyn so that it fits a signal of any type.
var unknownFunc = celgo.Function("unknown",
	celgo.Overload("unknown_string", []*celgo.Type{celgo.StringType}, celgo.TypeParamType("T"),
		celgo.UnaryBinding(func(v ref.Val) ref.Val {
			s, ok := v.(types.String)
			if !ok {
				return types.NewErr("unknown: want a string reason, got %s", v.Type().TypeName())
			}
			if s == "" {
				s = "the template says so"
			}
			return types.WrapErr(&unknownCall{reason: string(s)})
		})))

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}
