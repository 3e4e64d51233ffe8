package v1alpha1

import (
	"cmp"
	"reflect"
	"strconv"
)

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

// Summary implements Summarizer: "tcp 10.0.0.5:502/1".
func (c *ModbusTCPConnection) Summary() string {
	s := "tcp " + cmp.Or(c.Host, "-")
	if c.Port != 0 {
		s += ":" + strconv.Itoa(c.Port)
	}
	if c.UnitID != nil {
		s += "/" + strconv.Itoa(*c.UnitID)
	}
	return s
}

// Summary implements Summarizer: "rtu rs485-1/3".
func (c *ModbusRTUConnection) Summary() string {
	s := "rtu " + cmp.Or(c.BusRef, "-")
	if c.UnitID != 0 {
		s += "/" + strconv.Itoa(c.UnitID)
	}
	return s
}

// Summary implements Summarizer: "el 192.168.1.50".
func (c *EchonetConnection) Summary() string { return "el " + cmp.Or(c.Address, "-") }
