package cel

import (
	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types/ref"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Modbus and ECHONET Lite keep their inputs in fields of Input (Regs, EPC)
// and their write builders in this package, so they register here rather
// than from their drivers. Protocols added since register from their own
// packages through the drivers registry; see docs/adding-a-protocol.md.
func init() {
	RegisterProtocol(Protocol{
		Name: v1alpha1.ProtocolModbus,
		Vars: []string{VarRegs},
		Options: func(command string) []celgo.EnvOption {
			opts := []celgo.EnvOption{celgo.Variable(VarRegs, celgo.MapType(celgo.StringType, celgo.ListType(celgo.IntType)))}
			if command != "" {
				opts = append(opts, writeFuncs(v1alpha1.ProtocolModbus)...)
			}
			return opts
		},
		Bind: func(in *Input, _ string) map[string]ref.Val { return map[string]ref.Val{VarRegs: regsValue(in)} },
	})
	RegisterProtocol(Protocol{
		Name: v1alpha1.ProtocolEchonet,
		Vars: []string{VarEPC},
		Options: func(command string) []celgo.EnvOption {
			opts := []celgo.EnvOption{celgo.Variable(VarEPC, celgo.MapType(celgo.IntType, celgo.BytesType))}
			if command != "" {
				opts = append(opts, celgo.Variable(VarSetEPCs, celgo.ListType(celgo.IntType)))
				opts = append(opts, writeFuncs(v1alpha1.ProtocolEchonet)...)
			}
			return opts
		},
		Bind: func(in *Input, _ string) map[string]ref.Val {
			return map[string]ref.Val{VarEPC: epcValue(in), VarSetEPCs: setEPCsValue(in)}
		},
	})
}
