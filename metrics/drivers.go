package metrics

import (
	"fmt"

	"github.com/ocppgw/ocppgw/drivers/echonet"
	"github.com/ocppgw/ocppgw/drivers/modbus"
	"github.com/prometheus/client_golang/prometheus"
)

// DriverSource hands out the drivers' own counters at scrape time.
// controllers/charger's Drivers implements it.
type DriverSource interface {
	// ModbusTCPStats lists the open Modbus TCP connections.
	ModbusTCPStats() []modbus.ConnStats
	// ModbusRTUStats lists the open RS-485 lines.
	ModbusRTUStats() []modbus.BusStats
	// EchonetStats is the ECHONET Lite client's counters; false before the
	// client exists.
	EchonetStats() (echonet.Stats, bool)
}

// The Modbus families carry transport (tcp, rtu) and link: the TCP address
// or the serial device, both bounded by configuration. A link's counters
// restart from zero when its connection or line is reopened, which
// Prometheus's rate() treats as a counter reset.
var (
	modbusLabels   = []string{"transport", "link"}
	modbusRequests = newDesc("modbus", "requests_total",
		"Modbus requests put on the wire, each retry included.", modbusLabels...)
	modbusTimeouts = newDesc("modbus", "timeouts_total",
		"Modbus requests that got no answer in time (a gateway's 0x0A/0x0B included).", modbusLabels...)
	modbusCRC = newDesc("modbus", "crc_errors_total",
		"Modbus RTU frames with a bad checksum.", modbusLabels...)
	modbusExceptions = newDesc("modbus", "exceptions_total",
		"Modbus exception responses, by exception code (0x01 to 0x0B).", append(modbusLabels, "code")...)
	modbusLate = newDesc("modbus", "late_replies_total",
		"Modbus frames that answered no waiting request (late, or another transaction id); dropped.", modbusLabels...)
	modbusBad = newDesc("modbus", "bad_responses_total",
		"Modbus frames that did not answer the request sent (wrong function, length or unit).", modbusLabels...)
	modbusConnErrors = newDesc("modbus", "connection_errors_total",
		"Modbus TCP dial failures and broken connections, and RTU line errors.", modbusLabels...)
	modbusBackedOff = newDesc("modbus", "backed_off_total",
		"Modbus requests refused unsent: the unit was dead or the address in back-off.", modbusLabels...)
	modbusRetries = newDesc("modbus", "retries_total",
		"Modbus RTU requests repeated after a timeout, CRC error, bad frame or busy answer.", modbusLabels...)

	echonetSent = newDesc("echonet", "frames_sent_total",
		"ECHONET Lite frames sent, retransmissions included.")
	echonetReceived = newDesc("echonet", "frames_received_total",
		"ECHONET Lite frames received.")
	echonetRetransmits = newDesc("echonet", "retransmissions_total",
		"ECHONET Lite requests sent again after a try went unanswered.")
	echonetTimeouts = newDesc("echonet", "timeouts_total",
		"ECHONET Lite requests unanswered after every retransmission.")
	echonetSNAs = newDesc("echonet", "snas_total",
		"ECHONET Lite service-not-available answers (Get_SNA, SetC_SNA, ...).")
	echonetDecodeErrors = newDesc("echonet", "decode_errors_total",
		"ECHONET Lite datagrams that were not valid frames.")
)

func newDesc(subsystem, name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(fullName(subsystem, name), help, labels, nil)
}

func describeDrivers(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{modbusRequests, modbusTimeouts, modbusCRC, modbusExceptions, modbusLate,
		modbusBad, modbusConnErrors, modbusBackedOff, modbusRetries, echonetSent, echonetReceived,
		echonetRetransmits, echonetTimeouts, echonetSNAs, echonetDecodeErrors} {
		ch <- d
	}
}

func collectDrivers(src DriverSource, ch chan<- prometheus.Metric) {
	for _, s := range src.ModbusTCPStats() {
		collectModbus(ch, s.Counters, "tcp", s.Addr)
	}
	for _, s := range src.ModbusRTUStats() {
		collectModbus(ch, s.Counters, "rtu", s.Device)
		ch <- counter(modbusCRC, s.CRCErrors, "rtu", s.Device)
		ch <- counter(modbusRetries, s.Retries, "rtu", s.Device)
	}
	if s, ok := src.EchonetStats(); ok {
		for d, v := range map[*prometheus.Desc]uint64{echonetSent: s.Sent, echonetReceived: s.Received,
			echonetRetransmits: s.Retransmits, echonetTimeouts: s.Timeouts, echonetSNAs: s.SNAs,
			echonetDecodeErrors: s.DecodeErrors} {
			ch <- counter(d, v)
		}
	}
}

// collectModbus sends the counters both transports keep.
func collectModbus(ch chan<- prometheus.Metric, c modbus.Counters, transport, link string) {
	for d, v := range map[*prometheus.Desc]uint64{modbusRequests: c.Requests, modbusTimeouts: c.NoResponse,
		modbusLate: c.LateReplies, modbusBad: c.BadResponses, modbusConnErrors: c.ConnErrors, modbusBackedOff: c.BackedOff} {
		ch <- counter(d, v, transport, link)
	}
	for code, n := range c.Exceptions {
		ch <- counter(modbusExceptions, n, transport, link, fmt.Sprintf("0x%02X", byte(code)))
	}
}

func counter(d *prometheus.Desc, v uint64, labels ...string) prometheus.Metric {
	return prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
}
