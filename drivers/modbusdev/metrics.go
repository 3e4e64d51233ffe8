package modbusdev

import (
	"fmt"

	"github.com/ocppgw/ocppgw/drivers/modbus"
	"github.com/prometheus/client_golang/prometheus"
)

// The Modbus families carry transport (tcp, rtu) and link: the TCP address
// or the serial device, both bounded by configuration. A link's counters
// restart from zero when its connection or line is reopened, which
// Prometheus's rate() treats as a counter reset.
var (
	linkLabels   = []string{"transport", "link"}
	requests     = newDesc("requests_total", "Modbus requests put on the wire, each retry included.", linkLabels...)
	timeouts     = newDesc("timeouts_total", "Modbus requests that got no answer in time (a gateway's 0x0A/0x0B included).", linkLabels...)
	crcErrors    = newDesc("crc_errors_total", "Modbus RTU frames with a bad checksum.", linkLabels...)
	exceptions   = newDesc("exceptions_total", "Modbus exception responses, by exception code (0x01 to 0x0B).", append(linkLabels, "code")...)
	lateReplies  = newDesc("late_replies_total", "Modbus frames that answered no waiting request (late, or another transaction id); dropped.", linkLabels...)
	badResponses = newDesc("bad_responses_total", "Modbus frames that did not answer the request sent (wrong function, length or unit).", linkLabels...)
	connErrors   = newDesc("connection_errors_total", "Modbus TCP dial failures and broken connections, and RTU line errors.", linkLabels...)
	backedOff    = newDesc("backed_off_total", "Modbus requests refused unsent: the unit was dead or the address in back-off.", linkLabels...)
	retries      = newDesc("retries_total", "Modbus RTU requests repeated after a timeout, CRC error, bad frame or busy answer.", linkLabels...)

	// families are the descriptors the registration declares.
	families = []*prometheus.Desc{requests, timeouts, crcErrors, exceptions, lateReplies, badResponses,
		connErrors, backedOff, retries}
)

// newDesc names a family modbus_<name>; metrics adds the gateway's
// namespace.
func newDesc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("modbus_"+name, help, labels, nil)
}

// Metrics is what the Modbus links counted, as the modbus_* families: the
// open TCP connections and RS-485 lines.
type Metrics struct {
	TCP []modbus.ConnStats
	RTU []modbus.BusStats
}

// Collect implements drivers.Collector.
func (m Metrics) Collect(ch chan<- prometheus.Metric) {
	for _, s := range m.TCP {
		collectLink(ch, s.Counters, "tcp", s.Addr)
	}
	for _, s := range m.RTU {
		collectLink(ch, s.Counters, "rtu", s.Device)
		ch <- counter(crcErrors, s.CRCErrors, "rtu", s.Device)
		ch <- counter(retries, s.Retries, "rtu", s.Device)
	}
}

// collectLink sends the counters both transports keep.
func collectLink(ch chan<- prometheus.Metric, c modbus.Counters, transport, link string) {
	for d, v := range map[*prometheus.Desc]uint64{requests: c.Requests, timeouts: c.NoResponse,
		lateReplies: c.LateReplies, badResponses: c.BadResponses, connErrors: c.ConnErrors, backedOff: c.BackedOff} {
		ch <- counter(d, v, transport, link)
	}
	for code, n := range c.Exceptions {
		ch <- counter(exceptions, n, transport, link, fmt.Sprintf("0x%02X", byte(code)))
	}
}

func counter(d *prometheus.Desc, v uint64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
}

// Collect implements drivers.Collector: the counters of the open TCP
// connections and RS-485 lines, read when /metrics is scraped (the links
// count every request anyway, so a poll pays nothing for them).
func (o *Opener) Collect(ch chan<- prometheus.Metric) {
	Metrics{TCP: o.TCPStats(), RTU: o.RTUStats()}.Collect(ch)
}
