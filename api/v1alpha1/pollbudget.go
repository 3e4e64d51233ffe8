package v1alpha1

import (
	"fmt"
	"time"
)

// Transport defaults that bound a poll, as the drivers apply them. They are
// repeated here (api does no I/O and imports no driver) and checked against
// the drivers by a test in controllers/charger.
const (
	DefaultModbusTCPTimeout = time.Second
	DefaultEchonetTimeout   = 2 * time.Second
	// DefaultEchonetRetries is the retransmissions of an ECHONET Lite Get.
	DefaultEchonetRetries = 2
)

// WorstCasePoll is the longest one poll of charger c with the resolved
// template t can take when its device does not answer, on the transport's
// own timeouts and retries (bus is the RTU line, else nil), and a short
// account of how that adds up. A device that answers slowly but within its
// timeout can take as long.
func WorstCasePoll(c ChargerSpec, t TemplateSpec, bus *BusSpec) (time.Duration, string) {
	blocks := 0
	epcs := 0
	if t.Read != nil && t.Read.Modbus != nil {
		blocks = len(t.Read.Modbus.Blocks)
	}
	if t.Read != nil && t.Read.Echonet != nil {
		epcs = len(t.Read.Echonet.EPCs)
	}
	tcp := ConnectionAs[ModbusTCPConnection](c.Connection)
	rtu := ConnectionAs[ModbusRTUConnection](c.Connection)
	el := ConnectionAs[EchonetConnection](c.Connection)
	switch {
	case tcp != nil && blocks > 0:
		timeout := orDuration(tcp.Timeout, DefaultModbusTCPTimeout)
		return time.Duration(blocks) * timeout, fmt.Sprintf("%d blocks × %v timeout over Modbus TCP", blocks, timeout)
	case rtu != nil && blocks > 0 && bus != nil:
		timeout := orDuration(bus.Timeout, 500*time.Millisecond)
		tries := 1
		if bus.Retries != nil {
			tries += *bus.Retries
		}
		return time.Duration(blocks*tries) * timeout,
			fmt.Sprintf("%d blocks × %d tries × %v timeout on bus %q, before the other units' requests", blocks, tries, timeout, rtu.BusRef)
	case el != nil && epcs > 0:
		timeout := orDuration(el.Timeout, DefaultEchonetTimeout)
		tries := 1 + DefaultEchonetRetries
		return time.Duration(tries) * timeout, fmt.Sprintf("%d tries × %v timeout of one ECHONET Lite Get", tries, timeout)
	}
	return 0, ""
}

func orDuration(d Duration, def time.Duration) time.Duration {
	if v := d.Duration(); v > 0 {
		return v
	}
	return def
}
