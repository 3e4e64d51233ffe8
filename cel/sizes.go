package cel

import (
	"slices"

	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/overloads"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Cost bounds. A unit of CEL cost is roughly one basic operation, about
// 10-100 ns on the target; 100 000 keeps one expression near a millisecond at
// worst, while the typical signal costs under 20.
const (
	// EstimatedCostLimit rejects at compile time an expression whose
	// worst-case cost, over inputs of the declared sizes, exceeds it.
	EstimatedCostLimit uint64 = 100_000
	// RuntimeCostLimit stops one evaluation that exceeds it: the estimate
	// holds only while the inputs stay within the declared sizes.
	RuntimeCostLimit uint64 = 100_000
)

// Declared input sizes: the largest input the drivers may hand over. They
// bound the cost estimate of anything that iterates over an input.
const (
	maxBlocks      = 64   // register blocks per template
	maxBlockLen    = 2000 // a coil block; register blocks stop at 125
	maxBlockName   = 63   // v1alpha1 block name limit
	maxEPCs        = 128  // EPCs 0x80..0xFF
	maxPrevStrings = 256  // longest string signal kept in prev
)

// sizeEstimator declares the sizes of the variables so that the estimate of
// a comprehension over an input is finite; CEL treats an undeclared size as
// unbounded and would reject every loop.
type sizeEstimator struct{}

var _ cost.Estimator = sizeEstimator{}

// sizes maps an AST path (variable, then @keys/@values/@items) to its bound.
var sizes = map[string]cost.SizeEstimate{
	VarRegs:              cost.RangedSizeEstimate(0, maxBlocks),
	VarRegs + ".@keys":   cost.RangedSizeEstimate(0, maxBlockName),
	VarRegs + ".@values": cost.RangedSizeEstimate(0, maxBlockLen),
	VarEPC:               cost.RangedSizeEstimate(0, maxEPCs),
	VarEPC + ".@values":  cost.RangedSizeEstimate(0, maxEPCData),
	VarSetEPCs:           cost.RangedSizeEstimate(0, maxEPCs),
	VarPrev:              cost.RangedSizeEstimate(0, uint64(len(v1alpha1.SignalNames))),
	VarPrev + ".@keys":   cost.RangedSizeEstimate(0, uint64(longestSignal)),
	VarPrev + ".@values": cost.RangedSizeEstimate(0, maxPrevStrings),
}

var longestSignal = len(slices.MaxFunc(v1alpha1.SignalNames, func(a, b string) int { return len(a) - len(b) }))

func (sizeEstimator) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	p := n.Path()
	if len(p) == 0 || len(p) > 2 {
		return nil
	}
	key := p[0]
	if len(p) == 2 {
		key += "." + p[1]
	}
	if s, ok := sizes[key]; ok {
		return &s
	}
	return nil
}

// resultSizes bounds the results of the calls whose size CEL cannot know,
// so that text built from them ("0x" + hex(epc[0xC7])) has a finite cost.
// Each of them costs one unit, like any custom function.
var resultSizes = map[string]cost.SizeEstimate{
	"hex_bytes":              cost.RangedSizeEstimate(0, 2*maxEPCData),
	"ascii_list_int_int":     cost.RangedSizeEstimate(0, 2*maxBlockLen),
	"sub_bytes_int_int":      cost.RangedSizeEstimate(0, maxEPCData),
	"bebytes_int_int":        cost.RangedSizeEstimate(1, 8),
	"unknown_string":         cost.FixedSizeEstimate(0), // never returns a value
	overloads.IntToString:    cost.RangedSizeEstimate(1, 20),
	overloads.UintToString:   cost.RangedSizeEstimate(1, 20),
	overloads.DoubleToString: cost.RangedSizeEstimate(1, 32),
}

// EstimateCallCost bounds the result sizes above and leaves every other call
// to CEL's defaults: the domain functions are O(1), or O(n) in a register
// count bounded by the block size.
func (sizeEstimator) EstimateCallCost(_, overload string, _ *cost.AstNode, _ []cost.AstNode) *cost.CallEstimate {
	if size, ok := resultSizes[overload]; ok {
		return &cost.CallEstimate{CostEstimate: cost.FixedCostEstimate(1), ResultSize: &size}
	}
	return nil
}

// withinDeclaredSizes reports whether in stays within the sizes above, so
// that the static estimate bounds any expression's cost over it.
func withinDeclaredSizes(in *Input) bool {
	if len(in.Regs) > maxBlocks || len(in.EPC) > maxEPCs || len(in.SetMap) > maxEPCs || len(in.Prev) > len(v1alpha1.SignalNames) {
		return false
	}
	for name, words := range in.Regs {
		if len(name) > maxBlockName || len(words) > maxBlockLen {
			return false
		}
	}
	for _, data := range in.EPC {
		if len(data) > maxEPCData {
			return false
		}
	}
	for name, v := range in.Prev {
		if len(name) > longestSignal {
			return false
		}
		switch v := v.(type) {
		case bool, int, int64, float64:
		case string:
			if len(v) > maxPrevStrings {
				return false
			}
		default: // a container, whose size nothing declared
			return false
		}
	}
	return true
}
