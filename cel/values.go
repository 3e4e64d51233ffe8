package cel

import (
	"math"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

func valueFuncs() []celgo.EnvOption {
	i, d := celgo.IntType, celgo.DoubleType
	v := celgo.TypeParamType("V")
	opts := []celgo.EnvOption{
		celgo.Function("bit",
			celgo.Overload("bit_int_int", []*celgo.Type{i, i}, celgo.BoolType, celgo.BinaryBinding(bit))),
		celgo.Function("scale",
			celgo.Overload("scale_int_double", []*celgo.Type{i, d}, d, celgo.BinaryBinding(func(x, f ref.Val) ref.Val {
				return types.Double(float64(x.(types.Int)) * float64(f.(types.Double)))
			})),
			celgo.Overload("scale_double_double", []*celgo.Type{d, d}, d, celgo.BinaryBinding(func(x, f ref.Val) ref.Val {
				return types.Double(float64(x.(types.Double)) * float64(f.(types.Double)))
			}))),
		celgo.Function("clamp",
			celgo.Overload("clamp_double", []*celgo.Type{d, d, d}, d, celgo.FunctionBinding(clampDouble)),
			celgo.Overload("clamp_int", []*celgo.Type{i, i, i}, i, celgo.FunctionBinding(clampInt))),
		celgo.Function("enum",
			celgo.Overload("enum_int_map", []*celgo.Type{i, celgo.MapType(i, v), v}, v, celgo.FunctionBinding(enum)),
			celgo.Overload("enum_string_map", []*celgo.Type{celgo.StringType, celgo.MapType(celgo.StringType, v), v}, v,
				celgo.FunctionBinding(enum))),
	}
	for _, e := range wordEncoders {
		opts = append(opts, celgo.Function(e.name,
			celgo.Overload(e.name+"_"+e.arg.TypeName(), []*celgo.Type{e.arg}, celgo.ListType(i),
				celgo.UnaryBinding(e.encode))))
	}
	return opts
}

func bit(x, n ref.Val) ref.Val {
	k := int64(n.(types.Int))
	if k < 0 || k > 63 {
		return types.NewErr("bit: bit number %d out of range 0..63", k)
	}
	return types.Bool(uint64(x.(types.Int))>>uint(k)&1 == 1)
}

func clampDouble(args ...ref.Val) ref.Val {
	x, lo, hi := float64(args[0].(types.Double)), float64(args[1].(types.Double)), float64(args[2].(types.Double))
	switch {
	case math.IsNaN(x) || math.IsNaN(lo) || math.IsNaN(hi):
		return types.NewErr("clamp: NaN argument")
	case lo > hi:
		return types.NewErr("clamp: lower bound %g is above upper bound %g", lo, hi)
	}
	return types.Double(min(max(x, lo), hi))
}

func clampInt(args ...ref.Val) ref.Val {
	x, lo, hi := args[0].(types.Int), args[1].(types.Int), args[2].(types.Int)
	if lo > hi {
		return types.NewErr("clamp: lower bound %d is above upper bound %d", lo, hi)
	}
	return min(max(x, lo), hi)
}

// enum looks value up in a literal table, e.g.
// enum(x, {0: "A", 1: "B"}, "unknown"); what the table lacks yields the
// default, since devices add codes over firmware versions.
func enum(args ...ref.Val) ref.Val {
	m, ok := args[1].(traits.Mapper)
	if !ok {
		return types.NewErr("enum: want a map, got %s", args[1].Type().TypeName())
	}
	if v, found := m.Find(args[0]); found {
		return v
	}
	return args[2]
}

// A word encoder turns a number into the registers a Modbus write carries.
type wordEncoder struct {
	name   string
	arg    *celgo.Type
	encode func(ref.Val) ref.Val
}

var wordEncoders = []wordEncoder{
	{"u16words", celgo.IntType, intWords("u16words", 0, math.MaxUint16, 1, false)},
	{"s16words", celgo.IntType, intWords("s16words", math.MinInt16, math.MaxInt16, 1, false)},
	{"u32words", celgo.IntType, intWords("u32words", 0, math.MaxUint32, 2, false)},
	{"u32wswords", celgo.IntType, intWords("u32wswords", 0, math.MaxUint32, 2, true)},
	{"s32words", celgo.IntType, intWords("s32words", math.MinInt32, math.MaxInt32, 2, false)},
	{"s32wswords", celgo.IntType, intWords("s32wswords", math.MinInt32, math.MaxInt32, 2, true)},
	{"f32words", celgo.DoubleType, f32Words("f32words", false)},
	{"f32wswords", celgo.DoubleType, f32Words("f32wswords", true)},
}

func intWords(name string, lo, hi int64, n int, ws bool) func(ref.Val) ref.Val {
	return func(x ref.Val) ref.Val {
		v := int64(x.(types.Int))
		if v < lo || v > hi {
			return types.NewErr("%s: %d out of range %d..%d", name, v, lo, hi)
		}
		return splitWords(uint64(v), n, ws)
	}
}

func f32Words(name string, ws bool) func(ref.Val) ref.Val {
	return func(x ref.Val) ref.Val {
		v := float64(x.(types.Double))
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > math.MaxFloat32 {
			return types.NewErr("%s: %g is not a finite float32", name, v)
		}
		return splitWords(uint64(math.Float32bits(float32(v))), 2, ws)
	}
}

// splitWords is the inverse of joinWords: the low n registers of v, most
// significant first unless ws.
func splitWords(v uint64, n int, ws bool) ref.Val {
	out := make([]int64, n)
	for k := n - 1; k >= 0; k-- {
		i := k
		if ws {
			i = n - 1 - k
		}
		out[i] = int64(v & 0xFFFF)
		v >>= 16
	}
	return types.NewList(types.DefaultTypeAdapter, out)
}
