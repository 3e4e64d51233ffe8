package v1alpha1

import "reflect"

// The Modbus and ECHONET Lite protocols still keep their spec types in this
// package (their read sections are fields of TemplateRead, and Bus
// references, poll budgets and discovery read them), so they register here
// rather than from their drivers. Protocols added since register from their
// own packages; see docs/adding-a-protocol.md.
func init() {
	RegisterProtocol(ProtocolSpec{Name: ProtocolModbus, Connections: map[string]reflect.Type{
		ConnModbusTCP: reflect.TypeFor[ModbusTCPConnection](),
		ConnModbusRTU: reflect.TypeFor[ModbusRTUConnection](),
	}})
	RegisterProtocol(ProtocolSpec{Name: ProtocolEchonet, Connections: map[string]reflect.Type{
		ConnEchonet: reflect.TypeFor[EchonetConnection](),
	}})
}

// The spec.connection keys of the built-in protocols.
const (
	ConnModbusTCP = "modbusTCP"
	ConnModbusRTU = "modbusRTU"
	ConnEchonet   = "echonet"
)
