package charger

import (
	"maps"
	"reflect"
)

// The poll loop compares each evaluation with the last one to decide
// whether the status changes. Most polls change nothing, so the comparison
// runs once per poll per charger: it compares the signal values by type
// (bool, float64 and string, as cel.Evaluation documents) and errors by
// their text, without reflection or formatting.

// sameSignals reports whether two evaluations' signals are equal,
// connector by connector.
func sameSignals(a, b map[int]map[string]any) bool {
	return maps.EqualFunc(a, b, func(x, y map[string]any) bool {
		return maps.EqualFunc(x, y, sameValue)
	})
}

// sameValue compares two signal values. A NaN is never equal to itself,
// so a NaN signal counts as changed at every poll, as with ==.
func sameValue(x, y any) bool {
	switch x := x.(type) {
	case float64:
		y, ok := y.(float64)
		return ok && x == y
	case bool:
		y, ok := y.(bool)
		return ok && x == y
	case string:
		y, ok := y.(string)
		return ok && x == y
	default:
		return reflect.DeepEqual(x, y)
	}
}

// sameUnknown reports whether two evaluations leave the same signals
// unknown for the same reasons.
func sameUnknown(a, b map[int]map[string]string) bool {
	return maps.EqualFunc(a, b, maps.Equal)
}

// sameErrors reports whether two lists of errors say the same, in order.
func sameErrors(a, b []error) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !sameError(a[i], b[i]) {
			return false
		}
	}
	return true
}

// sameFailures reports whether two polls failed the same reads the same
// way, in order.
func sameFailures(a, b []ReadFailure) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].What != b[i].What || a[i].Optional != b[i].Optional || !sameError(a[i].Err, b[i].Err) {
			return false
		}
	}
	return true
}

func sameError(x, y error) bool {
	if x == nil || y == nil {
		return x == y
	}
	return x.Error() == y.Error()
}
