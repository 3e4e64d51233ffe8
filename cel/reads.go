package cel

import (
	"fmt"
	"slices"

	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// inputKeys are the constant keys an expression reads from its inputs:
// regs["status"] / regs.status, epc[0xD3] and prev["energyWh"]. They let
// NewMapping reject a block name or EPC the template never reads at apply
// time, where CEL alone would only fail with "no such key" on every poll,
// and Evaluate tell a missing input from a wrong mapping.
type inputKeys struct {
	blocks []string
	epcs   []int64
	prev   []string
	data   []string // keys of the protocol's DataVar
}

func collectKeys(root ast.Expr, dataVar string) inputKeys {
	var k inputKeys
	ast.PostOrderVisit(root, ast.NewExprVisitor(func(e ast.Expr) {
		switch e.Kind() {
		case ast.SelectKind:
			s := e.AsSelect()
			switch {
			case s.IsTestOnly():
			case isIdent(s.Operand(), VarRegs):
				k.blocks = append(k.blocks, s.FieldName())
			case isIdent(s.Operand(), VarPrev):
				k.prev = append(k.prev, s.FieldName())
			case dataVar != "" && isIdent(s.Operand(), dataVar):
				k.data = append(k.data, s.FieldName())
			}
		case ast.CallKind:
			c := e.AsCall()
			if c.FunctionName() != operators.Index || len(c.Args()) != 2 || c.Args()[1].Kind() != ast.LiteralKind {
				return
			}
			switch key := c.Args()[1].AsLiteral().(type) {
			case types.String:
				if isIdent(c.Args()[0], VarRegs) {
					k.blocks = append(k.blocks, string(key))
				}
				if isIdent(c.Args()[0], VarPrev) {
					k.prev = append(k.prev, string(key))
				}
				if dataVar != "" && isIdent(c.Args()[0], dataVar) {
					k.data = append(k.data, string(key))
				}
			case types.Int:
				if isIdent(c.Args()[0], VarEPC) {
					k.epcs = append(k.epcs, int64(key))
				}
			}
		}
	}))
	return k
}

func isIdent(e ast.Expr, name string) bool {
	return e.Kind() == ast.IdentKind && e.AsIdent() == name
}

// checkReads reports the first constant key prg reads that read does not
// provide. Without a read section there is nothing to check against.
func checkReads(prg *Program, expr string, read *v1alpha1.TemplateRead) error {
	if read == nil {
		return nil
	}
	if p := lookupProtocol(prg.env.Protocol); p != nil && p.ReadKeys != nil && len(prg.keys.data) > 0 {
		keys, field := p.ReadKeys(read)
		for _, k := range prg.keys.data {
			if !slices.Contains(keys, k) {
				return &Error{Expr: expr, Msg: fmt.Sprintf("reads key %q, which %s does not list", k, field)}
			}
		}
	}
	if read.Modbus != nil {
		for _, b := range prg.keys.blocks {
			if !slices.ContainsFunc(read.Modbus.Blocks, func(rb v1alpha1.ModbusBlock) bool { return rb.Name == b }) {
				return &Error{Expr: expr, Msg: fmt.Sprintf("reads block %q, which spec.read.modbus.blocks does not define", b)}
			}
		}
	}
	if read.Echonet != nil {
		for _, c := range prg.keys.epcs {
			found := slices.ContainsFunc(read.Echonet.EPCs, func(s string) bool {
				epc, err := v1alpha1.ParseEPC(s)
				return err == nil && int64(epc) == c
			})
			if !found {
				return &Error{Expr: expr, Msg: fmt.Sprintf("reads EPC 0x%02X, which spec.read.echonet.epcs does not list", c)}
			}
		}
	}
	return nil
}
