package charger

import (
	"github.com/ocppgw/ocppgw/drivers/echonet"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// ModbusTCPStats lists the open Modbus TCP connections' counters; with
// ModbusRTUStats and EchonetStats it makes Drivers a metrics.DriverSource.
func (d *Drivers) ModbusTCPStats() []modbus.ConnStats {
	if m := d.modbus(); m != nil {
		return m.TCPStats()
	}
	return nil
}

// ModbusRTUStats lists the open RS-485 lines' counters.
func (d *Drivers) ModbusRTUStats() []modbus.BusStats {
	if m := d.modbus(); m != nil {
		return m.RTUStats()
	}
	return nil
}

// EchonetStats is the shared ECHONET Lite client's counters; false until
// an ECHONET Lite charger opened it.
func (d *Drivers) EchonetStats() (echonet.Stats, bool) {
	el, err := d.echonet()
	if err != nil {
		return echonet.Stats{}, false
	}
	return el.Stats()
}
