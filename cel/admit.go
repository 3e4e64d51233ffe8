package cel

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// CheckTemplate compiles every expression of a Template as apply admits it,
// so CEL that does not compile, has the wrong type or could exceed its cost
// bound is rejected before anything is stored. Each problem names its field,
// line and column and quotes the expression.
//
// A complete template (no extends) is checked as NewMapping builds it,
// reads included. One that extends another is checked expression by
// expression, since its blocks and even its protocol may be inherited: with
// no protocol of its own, an expression is accepted if it compiles for
// either protocol, and reported with the environment it reads (epc: ECHONET
// Lite, else Modbus). The charger controller builds the merged mapping and
// reports what only the merge shows in MappingValid.
func CheckTemplate(spec *v1alpha1.TemplateSpec) []v1alpha1.FieldError {
	if spec.Extends == "" && spec.Protocol != "" {
		_, errs := NewMapping(spec)
		return fieldErrors(errs)
	}
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(spec.Signals)) {
		want, ok := SignalOutput(name)
		if !ok {
			continue // validation names unknown signals
		}
		errs = append(errs, compileFor(spec.Protocol, "spec.signals."+name, spec.Signals[name], want, SignalEnv)...)
	}
	for _, name := range slices.Sorted(maps.Keys(spec.Commands)) {
		if !slices.Contains(v1alpha1.CommandNames, name) {
			continue
		}
		env := func(p string) EnvKind { return CommandEnv(p, name) }
		errs = append(errs, compileFor(spec.Protocol, "spec.commands."+name+".expr", spec.Commands[name].Expr, OutputWrites, env)...)
	}
	return fieldErrors(errs)
}

func compileFor(protocol, field, expr string, want OutputType, env func(string) EnvKind) []error {
	protocols := []string{protocol}
	if protocol == "" {
		protocols = likelyProtocols(expr)
	}
	var first error
	for _, p := range protocols {
		_, err := Compile(env(p), expr, want)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	var out []error
	for _, e := range flatten(first) {
		var ce *Error
		if errors.As(e, &ce) {
			c := *ce
			c.Field = field
			e = &c
		}
		out = append(out, e)
	}
	return out
}

// fieldErrors turns compile errors into the field errors of an apply.
func fieldErrors(errs []error) []v1alpha1.FieldError {
	var out []v1alpha1.FieldError
	for _, err := range errs {
		var ce *Error
		if errors.As(err, &ce) {
			reason := ce.Msg
			if ce.Line > 0 {
				reason = fmt.Sprintf("line %d, column %d: %s", ce.Line, ce.Column, ce.Msg)
			}
			out = append(out, v1alpha1.FieldError{Field: ce.Field, Reason: fmt.Sprintf("%s in %q", reason, ce.Expr)})
			continue
		}
		field, reason, ok := strings.Cut(err.Error(), ": ")
		if !ok || !strings.HasPrefix(field, "spec.") {
			field, reason = "", err.Error()
		}
		out = append(out, v1alpha1.FieldError{Field: field, Reason: reason})
	}
	return out
}
