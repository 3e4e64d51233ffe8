package charger

import "github.com/ocppgw/ocppgw/cel"

// shimEval stands in for cel's Evaluate until it lands.
type shimEval struct {
	Signals map[string]any
	Unknown map[string]string
	Errors  []error
}

func evalShim(m *cel.Mapping, in *cel.Input) shimEval {
	s, errs := m.EvalSignals(in)
	return shimEval{Signals: s, Errors: errs}
}
