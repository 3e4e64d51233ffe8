package cel

import (
	"math"
	"strings"
	"unicode/utf8"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/decls"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// A register decoder reads n consecutive registers of a block, starting at
// an index, as one number. Modbus puts the high byte first inside a register;
// devices disagree only on the order of the registers, so "ws" (word-swapped)
// variants take the least significant register first.
type regDecoder struct {
	name   string
	n      int
	ws     bool
	result *celgo.Type
	decode func(name string, v uint64) ref.Val
}

var regDecoders = []regDecoder{
	{"u16", 1, false, celgo.IntType, decodeUint},
	{"s16", 1, false, celgo.IntType, func(_ string, v uint64) ref.Val { return types.Int(int16(v)) }},
	{"u32", 2, false, celgo.IntType, decodeUint},
	{"u32ws", 2, true, celgo.IntType, decodeUint},
	{"s32", 2, false, celgo.IntType, decodeS32},
	{"s32ws", 2, true, celgo.IntType, decodeS32},
	{"u64", 4, false, celgo.IntType, decodeUint},
	{"u64ws", 4, true, celgo.IntType, decodeUint},
	{"s64", 4, false, celgo.IntType, decodeS64},
	{"s64ws", 4, true, celgo.IntType, decodeS64},
	{"f32", 2, false, celgo.DoubleType, decodeF32},
	{"f32ws", 2, true, celgo.DoubleType, decodeF32},
	{"f64", 4, false, celgo.DoubleType, decodeF64},
	{"f64ws", 4, true, celgo.DoubleType, decodeF64},
}

func decodeUint(name string, v uint64) ref.Val {
	if v > math.MaxInt64 {
		return types.NewErr("%s: value %d does not fit a CEL int", name, v)
	}
	return types.Int(v)
}

func decodeS32(_ string, v uint64) ref.Val { return types.Int(int32(uint32(v))) }
func decodeS64(_ string, v uint64) ref.Val { return types.Int(int64(v)) }
func decodeF32(_ string, v uint64) ref.Val {
	return types.Double(math.Float32frombits(uint32(v)))
}
func decodeF64(_ string, v uint64) ref.Val { return types.Double(math.Float64frombits(v)) }

func registerFuncs() []celgo.EnvOption {
	regs := celgo.ListType(celgo.IntType)
	var opts []celgo.EnvOption
	for _, d := range regDecoders {
		d := d
		overloads := []celgo.FunctionOpt{
			celgo.Overload(d.name+"_list_int", []*celgo.Type{regs, celgo.IntType}, d.result,
				celgo.BinaryBinding(func(list, index ref.Val) ref.Val {
					w, err := wordsAt(d.name, list, index, d.n)
					if err != nil {
						return err
					}
					return d.decode(d.name, joinWords(w[:d.n], d.ws))
				})),
		}
		if d.name == "s16" {
			// s16(x) reinterprets one register already read, e.g. s16(regs["a"][3]).
			overloads = append(overloads, celgo.Overload("s16_int", []*celgo.Type{celgo.IntType}, celgo.IntType,
				celgo.UnaryBinding(func(v ref.Val) ref.Val {
					x, ok := v.(types.Int)
					if !ok {
						return types.NewErr("s16: want an int, got %s", v.Type().TypeName())
					}
					w, err := word("s16", x, -1)
					if err != nil {
						return err
					}
					return types.Int(int16(w))
				})))
		}
		opts = append(opts, celgo.Function(d.name, append(overloads, noListGuard)...))
	}
	opts = append(opts, celgo.Function("ascii",
		celgo.Overload("ascii_list_int_int", []*celgo.Type{regs, celgo.IntType, celgo.IntType}, celgo.StringType,
			celgo.FunctionBinding(asciiAt)), noListGuard))
	return opts
}

// noListGuard turns off cel-go's runtime argument check for functions that
// take a register list: the check builds an iterator per call, which
// dominated evaluation, and these functions check each argument themselves
// (wordsAt), so a dyn argument still gets a clear error.
var noListGuard = decls.DisableTypeGuards(true)

// joinWords assembles registers into one number, most significant first
// unless ws.
func joinWords(w []uint16, ws bool) uint64 {
	var v uint64
	for k := range w {
		i := k
		if ws {
			i = len(w) - 1 - k
		}
		v = v<<16 | uint64(w[i])
	}
	return v
}

// wordsAt reads n registers of list from index on. Blocks from the driver
// arrive as []int64 and are read without boxing; lists built in CEL go through
// Get.
func wordsAt(fn string, list, index ref.Val, n int) ([4]uint16, ref.Val) {
	var w [4]uint16
	l, ok := list.(traits.Lister)
	if !ok {
		return w, types.NewErr("%s: want a list of registers, got %s", fn, list.Type().TypeName())
	}
	ix, ok := index.(types.Int)
	if !ok {
		return w, types.NewErr("%s: index must be an int, got %s", fn, index.Type().TypeName())
	}
	i, size := int64(ix), int64(l.Size().(types.Int))
	if i < 0 || i+int64(n) > size {
		if n == 1 {
			return w, types.NewErr("%s: index %d out of range (block has %d registers)", fn, i, size)
		}
		return w, types.NewErr("%s: index %d out of range (needs registers %d..%d, block has %d)", fn, i, i, i+int64(n)-1, size)
	}
	raw, fast := l.Value().([]int64)
	for k := range n {
		var v int64
		if fast {
			v = raw[i+int64(k)]
		} else {
			e, ok := l.Get(types.Int(i + int64(k))).(types.Int)
			if !ok {
				return w, types.NewErr("%s: register %d is not an int", fn, i+int64(k))
			}
			v = int64(e)
		}
		u, err := word(fn, types.Int(v), i+int64(k))
		if err != nil {
			return w, err
		}
		w[k] = u
	}
	return w, nil
}

// word checks that v is a 16-bit register value; at < 0 means v is not part
// of a list.
func word(fn string, v types.Int, at int64) (uint16, ref.Val) {
	if v < 0 || v > math.MaxUint16 {
		if at < 0 {
			return 0, types.NewErr("%s: %d is not a 16-bit register value (0..65535)", fn, v)
		}
		return 0, types.NewErr("%s: register %d holds %d, not a 16-bit value (0..65535)", fn, at, v)
	}
	return uint16(v), nil
}

// asciiAt decodes n registers as text, two characters per register, high
// byte first. The text ends at the first NUL, as devices pad fixed-size
// string fields with NULs. Bytes outside ASCII become U+FFFD so the result
// is always a valid CEL string.
func asciiAt(args ...ref.Val) ref.Val {
	l, okL := args[0].(traits.Lister)
	ix, okI := args[1].(types.Int)
	nx, okN := args[2].(types.Int)
	if !okL || !okI || !okN {
		return types.NewErr("ascii: want (list of registers, int, int)")
	}
	i, n, size := int64(ix), int64(nx), int64(l.Size().(types.Int))
	if n < 0 {
		return types.NewErr("ascii: register count %d is negative", n)
	}
	if i < 0 || i+n > size {
		return types.NewErr("ascii: index %d out of range (needs registers %d..%d, block has %d)", i, i, i+n-1, size)
	}
	var sb strings.Builder
	sb.Grow(int(2 * n))
	for k := i; k < i+n; k++ {
		w, err := wordsAt("ascii", l, types.Int(k), 1)
		if err != nil {
			return err
		}
		for _, b := range [2]byte{byte(w[0] >> 8), byte(w[0])} {
			switch {
			case b == 0:
				return types.String(sb.String())
			case b < utf8.RuneSelf:
				sb.WriteByte(b)
			default:
				sb.WriteRune(utf8.RuneError)
			}
		}
	}
	return types.String(sb.String())
}
