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

// PollBudgeter is implemented by a connection spec whose protocol can
// bound one poll: a Charger whose worst case exceeds its poll interval is
// warned about at apply.
type PollBudgeter interface {
	// WorstCasePoll is the longest one poll of read can take when the
	// device does not answer, on the connection's own timeouts and
	// retries (bus is the Charger's RS-485 line, else nil), and a short
	// account of how that adds up; 0 when nothing is read.
	WorstCasePoll(read *TemplateRead, bus *BusSpec) (time.Duration, string)
}

// WorstCasePoll is the longest one poll of charger c with the resolved
// template t can take when its device does not answer, and a short account
// of how that adds up; 0 when the connection's protocol cannot say. A
// device that answers slowly but within its timeout can take as long.
func WorstCasePoll(c ChargerSpec, t TemplateSpec, bus *BusSpec) (time.Duration, string) {
	if p, ok := c.Connection.Spec().(PollBudgeter); ok {
		return p.WorstCasePoll(t.Read, bus)
	}
	return 0, ""
}

// WorstCasePoll implements PollBudgeter: one request per block.
func (c *ModbusTCPConnection) WorstCasePoll(read *TemplateRead, _ *BusSpec) (time.Duration, string) {
	blocks := modbusBlocks(read)
	if blocks == 0 {
		return 0, ""
	}
	timeout := orDuration(c.Timeout, DefaultModbusTCPTimeout)
	return time.Duration(blocks) * timeout, fmt.Sprintf("%d blocks × %v timeout over Modbus TCP", blocks, timeout)
}

// WorstCasePoll implements PollBudgeter: one request per block, each
// retried as the Bus says.
func (c *ModbusRTUConnection) WorstCasePoll(read *TemplateRead, bus *BusSpec) (time.Duration, string) {
	blocks := modbusBlocks(read)
	if blocks == 0 || bus == nil {
		return 0, ""
	}
	timeout := orDuration(bus.Timeout, 500*time.Millisecond)
	tries := 1
	if bus.Retries != nil {
		tries += *bus.Retries
	}
	return time.Duration(blocks*tries) * timeout,
		fmt.Sprintf("%d blocks × %d tries × %v timeout on bus %q, before the other units' requests", blocks, tries, timeout, c.BusRef)
}

// WorstCasePoll implements PollBudgeter: one Get, retransmitted.
func (c *EchonetConnection) WorstCasePoll(read *TemplateRead, _ *BusSpec) (time.Duration, string) {
	if read == nil || read.Echonet == nil || len(read.Echonet.EPCs) == 0 {
		return 0, ""
	}
	timeout := orDuration(c.Timeout, DefaultEchonetTimeout)
	tries := 1 + DefaultEchonetRetries
	return time.Duration(tries) * timeout, fmt.Sprintf("%d tries × %v timeout of one ECHONET Lite Get", tries, timeout)
}

func modbusBlocks(read *TemplateRead) int {
	if read == nil || read.Modbus == nil {
		return 0
	}
	return len(read.Modbus.Blocks)
}

func orDuration(d Duration, def time.Duration) time.Duration {
	if v := d.Duration(); v > 0 {
		return v
	}
	return def
}
