package charger

import (
	"github.com/ocppgw/ocppgw/drivers/echonet"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// ModbusTCPStats lists the open Modbus TCP connections' counters; with
// ModbusRTUStats and EchonetStats it makes Drivers a metrics.DriverSource.
func (d *Drivers) ModbusTCPStats() []modbus.ConnStats { return d.tcp.Stats() }

// ModbusRTUStats lists the open RS-485 lines' counters.
func (d *Drivers) ModbusRTUStats() []modbus.BusStats {
	d.mu.Lock()
	arbs := make([]*modbus.Arbiter, 0, len(d.buses))
	for _, b := range d.buses {
		arbs = append(arbs, b.arb)
	}
	d.mu.Unlock()
	out := make([]modbus.BusStats, len(arbs))
	for i, a := range arbs {
		out[i] = a.Stats()
	}
	return out
}

// EchonetStats is the shared ECHONET Lite client's counters; false until
// an ECHONET Lite charger opened it.
func (d *Drivers) EchonetStats() (echonet.Stats, bool) {
	d.mu.Lock()
	el := d.el
	d.mu.Unlock()
	if el == nil {
		return echonet.Stats{}, false
	}
	return el.Stats(), true
}
