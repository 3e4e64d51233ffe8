package echonetdev

import (
	"github.com/ocppgw/ocppgw/drivers/echonet"
	"github.com/prometheus/client_golang/prometheus"
)

var (
	framesSent      = newDesc("frames_sent_total", "ECHONET Lite frames sent, retransmissions included.")
	framesReceived  = newDesc("frames_received_total", "ECHONET Lite frames received.")
	retransmissions = newDesc("retransmissions_total", "ECHONET Lite requests sent again after a try went unanswered.")
	timeouts        = newDesc("timeouts_total", "ECHONET Lite requests unanswered after every retransmission.")
	snas            = newDesc("snas_total", "ECHONET Lite service-not-available answers (Get_SNA, SetC_SNA, ...).")
	decodeErrors    = newDesc("decode_errors_total", "ECHONET Lite datagrams that were not valid frames.")

	// families are the descriptors the registration declares.
	families = []*prometheus.Desc{framesSent, framesReceived, retransmissions, timeouts, snas, decodeErrors}
)

// newDesc names a family echonet_<name>; metrics adds the gateway's
// namespace.
func newDesc(name, help string) *prometheus.Desc {
	return prometheus.NewDesc("echonet_"+name, help, nil, nil)
}

// Metrics is what the shared ECHONET Lite client counted, as the
// echonet_* families.
type Metrics echonet.Stats

// Collect implements drivers.Collector.
func (m Metrics) Collect(ch chan<- prometheus.Metric) {
	for d, v := range map[*prometheus.Desc]uint64{framesSent: m.Sent, framesReceived: m.Received,
		retransmissions: m.Retransmits, timeouts: m.Timeouts, snas: m.SNAs, decodeErrors: m.DecodeErrors} {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v))
	}
}

// Collect implements drivers.Collector: the client's counters, read when
// /metrics is scraped; nothing until an ECHONET Lite charger opened the
// client.
func (o *Opener) Collect(ch chan<- prometheus.Metric) {
	if s, ok := o.Stats(); ok {
		Metrics(s).Collect(ch)
	}
}
