package charger

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

func TestSameSignals(t *testing.T) {
	base := func() map[int]map[string]any {
		return map[int]map[string]any{0: {"evConnected": true, "powerW": 7200.0, "faultCode": ""}, 1: {"charging": false}}
	}
	if !sameSignals(base(), base()) {
		t.Fatal("equal evaluations compare as changed")
	}
	changes := map[string]func(map[int]map[string]any){
		"a float":                       func(m map[int]map[string]any) { m[0]["powerW"] = 7200.1 },
		"a bool":                        func(m map[int]map[string]any) { m[0]["evConnected"] = false },
		"a string":                      func(m map[int]map[string]any) { m[0]["faultCode"] = "E1" },
		"a type (float for bool)":       func(m map[int]map[string]any) { m[1]["charging"] = 0.0 },
		"a type (string for float)":     func(m map[int]map[string]any) { m[0]["powerW"] = "7200" },
		"a signal gone":                 func(m map[int]map[string]any) { delete(m[0], "faultCode") },
		"a signal added":                func(m map[int]map[string]any) { m[1]["powerW"] = 0.0 },
		"a connector gone":              func(m map[int]map[string]any) { delete(m, 1) },
		"a signal renamed, same count":  func(m map[int]map[string]any) { delete(m[1], "charging"); m[1]["suspended"] = false },
		"a NaN (never equal to itself)": func(m map[int]map[string]any) { m[0]["powerW"] = math.NaN() },
	}
	for what, change := range changes {
		b := base()
		change(b)
		if sameSignals(base(), b) || sameSignals(b, base()) {
			t.Errorf("%s: compares as unchanged", what)
		}
	}
}

func TestSameUnknownErrorsAndFailures(t *testing.T) {
	u := func(reason string) map[int]map[string]string { return map[int]map[string]string{0: {"powerW": reason}} }
	if !sameUnknown(u("no data"), u("no data")) || sameUnknown(u("no data"), u("stale")) || sameUnknown(u("x"), nil) {
		t.Error("sameUnknown")
	}
	if !sameUnknown(nil, map[int]map[string]string{}) {
		t.Error("no unknown signals and an empty map differ")
	}

	e1, e2 := errors.New("signal powerW: division by zero"), fmt.Errorf("signal powerW: %s", "division by zero")
	if !sameErrors([]error{e1}, []error{e2}) {
		t.Error("errors with the same text compare as changed")
	}
	if sameErrors([]error{e1}, nil) || sameErrors([]error{e1}, []error{errors.New("other")}) || sameErrors([]error{nil}, []error{e1}) {
		t.Error("different errors compare as unchanged")
	}

	f := func(what string, optional bool, err string) []ReadFailure {
		return []ReadFailure{{What: what, Optional: optional, Err: errors.New(err)}}
	}
	if !sameFailures(f(`block "status"`, false, "timeout"), f(`block "status"`, false, "timeout")) {
		t.Error("the same failure compares as changed")
	}
	for what, other := range map[string][]ReadFailure{
		"another read":  f(`block "meter"`, false, "timeout"),
		"optional":      f(`block "status"`, true, "timeout"),
		"another error": f(`block "status"`, false, "exception 0x02"),
		"none":          nil,
	} {
		if sameFailures(f(`block "status"`, false, "timeout"), other) {
			t.Errorf("%s: compares as unchanged", what)
		}
	}
}
