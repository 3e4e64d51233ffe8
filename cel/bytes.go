package cel

import (
	"encoding/hex"
	"math"
	"strings"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// ECHONET Lite property data is big-endian throughout, so the byte functions
// have no word-order variants.
func byteFuncs() []celgo.EnvOption {
	b, i := celgo.BytesType, celgo.IntType
	whole := []*celgo.Type{b}
	part := []*celgo.Type{b, i, i}
	unsigned := func(name string) celgo.EnvOption {
		return celgo.Function(name,
			celgo.Overload(name+"_bytes", whole, i, celgo.UnaryBinding(func(v ref.Val) ref.Val {
				return beInt(name, []byte(v.(types.Bytes)), false)
			})),
			celgo.Overload(name+"_bytes_int_int", part, i, celgo.FunctionBinding(func(args ...ref.Val) ref.Val {
				p, err := byteRange(name, args)
				if err != nil {
					return err
				}
				return beInt(name, p, false)
			})))
	}
	return []celgo.EnvOption{
		unsigned("be"),
		unsigned("beu"),
		celgo.Function("bes",
			celgo.Overload("bes_bytes", whole, i, celgo.UnaryBinding(func(v ref.Val) ref.Val {
				return beInt("bes", []byte(v.(types.Bytes)), true)
			})),
			celgo.Overload("bes_bytes_int_int", part, i, celgo.FunctionBinding(func(args ...ref.Val) ref.Val {
				p, err := byteRange("bes", args)
				if err != nil {
					return err
				}
				return beInt("bes", p, true)
			}))),
		celgo.Function("u8",
			celgo.Overload("u8_bytes_int", []*celgo.Type{b, i}, i, celgo.BinaryBinding(func(v, at ref.Val) ref.Val {
				p, err := byteRange("u8", []ref.Val{v, at, types.Int(1)})
				if err != nil {
					return err
				}
				return types.Int(p[0])
			}))),
		celgo.Function("sub",
			celgo.Overload("sub_bytes_int_int", part, b, celgo.FunctionBinding(func(args ...ref.Val) ref.Val {
				p, err := byteRange("sub", args)
				if err != nil {
					return err
				}
				return types.Bytes(p)
			}))),
		celgo.Function("hex",
			celgo.Overload("hex_bytes", whole, celgo.StringType, celgo.UnaryBinding(func(v ref.Val) ref.Val {
				return types.String(strings.ToUpper(hex.EncodeToString([]byte(v.(types.Bytes)))))
			}))),
		celgo.Function("bebytes",
			celgo.Overload("bebytes_int_int", []*celgo.Type{i, i}, b, celgo.BinaryBinding(beBytes))),
	}
}

// byteRange returns args[0][off:off+n] for args (bytes, off, n), or an error
// naming fn and the range.
func byteRange(fn string, args []ref.Val) ([]byte, ref.Val) {
	b := []byte(args[0].(types.Bytes))
	off, n := int64(args[1].(types.Int)), int64(args[2].(types.Int))
	if off < 0 || n < 0 || off+n > int64(len(b)) {
		if n == 1 {
			return nil, types.NewErr("%s: index %d out of range (property has %d bytes)", fn, off, len(b))
		}
		return nil, types.NewErr("%s: bytes %d..%d out of range (property has %d bytes)", fn, off, off+n-1, len(b))
	}
	return b[off : off+n], nil
}

// beInt reads 1..8 bytes as a big-endian number; signed reads two's
// complement.
func beInt(fn string, b []byte, signed bool) ref.Val {
	if len(b) == 0 || len(b) > 8 {
		return types.NewErr("%s: want 1..8 bytes, got %d", fn, len(b))
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	if signed {
		shift := 64 - 8*uint(len(b))
		return types.Int(int64(v<<shift) >> shift)
	}
	if v > math.MaxInt64 {
		return types.NewErr("%s: value %d does not fit a CEL int", fn, v)
	}
	return types.Int(v)
}

// beBytes encodes v big-endian in n bytes, accepting the unsigned and the
// two's-complement signed range of that width.
func beBytes(value, width ref.Val) ref.Val {
	v, n := int64(value.(types.Int)), int64(width.(types.Int))
	if n < 1 || n > 8 {
		return types.NewErr("bebytes: width %d out of range 1..8", n)
	}
	if n < 8 {
		lo, hi := -(int64(1) << (8*n - 1)), int64(1)<<(8*n)-1
		if v < lo || v > hi {
			return types.NewErr("bebytes: %d does not fit %d bytes (%d..%d)", v, n, lo, hi)
		}
	}
	out := make([]byte, n)
	for k := n - 1; k >= 0; k-- {
		out[k] = byte(v)
		v >>= 8
	}
	return types.Bytes(out)
}
