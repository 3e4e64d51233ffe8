package goe

import (
	"encoding/json"
	"math"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
)

// VarStatus is the CEL variable holding the answer's members by key:
// status.car, status["nrg"][11]. JSON numbers are doubles; a key that did
// not arrive, or arrived null, is absent.
const VarStatus = "status"

// Bounds of what one answer may hand to CEL, for the cost estimate.
const (
	maxKeyLen   = 32  // keyRE
	maxValueLen = 256 // a string's length or a list's entries (nrg has 16)
)

var celProtocol = cel.Protocol{
	Vars:    []string{VarStatus},
	DataVar: VarStatus,
	Options: func(command string) []celgo.EnvOption {
		if command == "" {
			return nil
		}
		return []celgo.EnvOption{celgo.Function("setKey",
			celgo.Overload("setKey_string_dyn", []*celgo.Type{celgo.StringType, celgo.DynType}, cel.WriteType,
				celgo.BinaryBinding(setKey)))}
	},
	ReadKeys: func(read *v1alpha1.TemplateRead) ([]string, string) {
		r, _ := read.Section(Protocol).(*Read)
		if r == nil {
			return nil, "spec.read.goe.keys"
		}
		return r.Keys, "spec.read.goe.keys"
	},
	Sizes: map[string]cost.SizeEstimate{
		VarStatus:              cost.RangedSizeEstimate(0, MaxKeys),
		VarStatus + ".@keys":   cost.RangedSizeEstimate(0, maxKeyLen),
		VarStatus + ".@values": cost.RangedSizeEstimate(0, maxValueLen),
	},
	Bounded: bounded,
}

// setKey builds the write of one key: setKey("amp", 16). The value must
// be a JSON scalar; the API takes every value as JSON text.
func setKey(k, v ref.Val) ref.Val {
	key, ok := k.(types.String)
	if !ok || !keyRE.MatchString(string(key)) {
		return types.NewErr("setKey: the key must be an API key such as \"amp\", got %v", k)
	}
	var val any
	switch x := v.(type) {
	case types.Int, types.Uint, types.Bool, types.String:
		val = x.Value()
	case types.Double:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return types.NewErr("setKey(%q): %v is not a finite number", string(key), float64(x))
		}
		val = float64(x)
	case types.Null:
		val = nil
	default:
		return types.NewErr("setKey(%q): the value must be a number, string, bool or null, got %s", string(key), v.Type().TypeName())
	}
	b, err := json.Marshal(val)
	if err != nil {
		return types.NewErr("setKey(%q): %v", string(key), err)
	}
	return cel.WriteValue(cel.Write{Kind: cel.WriteKey, Key: string(key), Value: b})
}

// bounded reports whether an answer stays within the sizes above; one that
// does not is evaluated under the runtime cost limit.
func bounded(in *cel.Input) bool {
	if len(in.Data) > MaxKeys {
		return false
	}
	for k, v := range in.Data {
		if len(k) > maxKeyLen || !scalarOrFlatList(v) {
			return false
		}
	}
	return true
}

func scalarOrFlatList(v any) bool {
	switch x := v.(type) {
	case string:
		return len(x) <= maxValueLen
	case []any:
		if len(x) > maxValueLen {
			return false
		}
		for _, e := range x {
			switch y := e.(type) {
			case []any, map[string]any:
				return false
			case string:
				if len(y) > maxValueLen {
					return false
				}
			}
		}
		return true
	case map[string]any:
		return false
	}
	return true
}
