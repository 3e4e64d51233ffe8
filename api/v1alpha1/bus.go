package v1alpha1

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"
)

// Bus is one RS-485 line. One arbiter serialises every Modbus RTU request on it.
type Bus struct {
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Metadata   ObjectMeta `json:"metadata"`
	Spec       BusSpec    `json:"spec"`
	Status     BusStatus  `json:"status"`
}

// BusSpec declares the serial line settings and the polling budget.
type BusSpec struct {
	// Device is the serial device path, e.g. /dev/ttyUSB0.
	Device string `json:"device" schema:"is=devicePath"`
	// BaudRate is 9600, 19200, 38400, 57600 or 115200. Default 9600.
	BaudRate int `json:"baudRate,omitempty" schema:"enum=baudRate"`
	// Parity is none, even or odd. Default even (Modbus RTU's default).
	Parity string `json:"parity,omitempty" schema:"enum=parity"`
	// DataBits is 8, which Modbus RTU requires. Default 8.
	DataBits int `json:"dataBits,omitempty" schema:"enum=dataBits"`
	// StopBits is 1 or 2. Default 1.
	StopBits int `json:"stopBits,omitempty" schema:"enum=stopBits"`
	// Timeout is the response timeout per request. Default "500ms".
	Timeout Duration `json:"timeout,omitempty"`
	// Retries is how often a failed request is repeated. Default 2; never nil once admitted.
	Retries *int `json:"retries,omitempty" schema:"minimum=0,maximum=10"`
	// PollBudget caps requests per second on the line; 0 = no cap.
	PollBudget float64 `json:"pollBudget,omitempty" schema:"minimum=0"`
	// DeadUnitAfter is how many exchanges in a row a unit must leave
	// unanswered before it counts as dead: then each poll sends it one
	// probe, without retries, and skips its other reads until it answers,
	// so it does not cost the other units a timeout per read. Default 3.
	DeadUnitAfter int `json:"deadUnitAfter,omitempty" schema:"minimum=1,maximum=100"`
	// DeadUnitBackoff is the least time between two probes of a dead unit.
	// Default "0s": every poll probes, so a unit that answers again is back
	// within one poll interval.
	DeadUnitBackoff Duration `json:"deadUnitBackoff,omitempty"`
	// LateReplyGuard is how long after an unanswered request the line is
	// listened to, and any late reply dropped, before another request goes
	// out. Default twice the timeout.
	LateReplyGuard Duration `json:"lateReplyGuard,omitempty"`
}

// BusStatus is observed by the bus arbiter.
type BusStatus struct {
	CommonStatus
}

// BaudRates are the line speeds a Bus may use.
var BaudRates = []int{9600, 19200, 38400, 57600, 115200}

// SetDefaults fills what the operator left out.
func (s *BusSpec) SetDefaults(*ObjectMeta) {
	defaultInt(&s.BaudRate, 9600)
	defaultString(&s.Parity, "even")
	defaultInt(&s.DataBits, 8)
	defaultInt(&s.StopBits, 1)
	defaultDuration(&s.Timeout, "500ms")
	defaultIntPtr(&s.Retries, 2)
	defaultInt(&s.DeadUnitAfter, 3)
	defaultDuration(&s.DeadUnitBackoff, "0s")
}

// Validate returns every problem with a defaulted spec.
func (s *BusSpec) Validate(*ObjectMeta) []FieldError {
	var errs fieldErrors
	p := FieldPath("spec")
	switch {
	case s.Device == "":
		errs.add(p.Key("device"), missing(p.Key("device")))
	case !filepath.IsAbs(s.Device) || filepath.Clean(s.Device) != s.Device:
		errs.add(p.Key("device"), fmt.Sprintf("must be a clean absolute path such as /dev/ttyUSB0, got %q", s.Device))
	}
	if !slices.Contains(BaudRates, s.BaudRate) {
		errs.add(p.Key("baudRate"), fmt.Sprintf("must be one of 9600, 19200, 38400, 57600, 115200, got %d", s.BaudRate))
	}
	checkEnum(&errs, p.Key("parity"), s.Parity, []string{"none", "even", "odd"})
	if s.DataBits != 8 {
		errs.add(p.Key("dataBits"), fmt.Sprintf("must be 8 (Modbus RTU uses 8 data bits), got %d", s.DataBits))
	}
	checkRange(&errs, p.Key("stopBits"), s.StopBits, 1, 2)
	checkDuration(&errs, p.Key("timeout"), s.Timeout, 10*time.Millisecond)
	if s.Retries != nil {
		checkRange(&errs, p.Key("retries"), *s.Retries, 0, 10)
	}
	if s.PollBudget < 0 {
		errs.add(p.Key("pollBudget"), fmt.Sprintf("must not be negative, got %v", s.PollBudget))
	}
	checkRange(&errs, p.Key("deadUnitAfter"), s.DeadUnitAfter, 1, 100)
	checkDuration(&errs, p.Key("deadUnitBackoff"), s.DeadUnitBackoff, 0)
	checkDuration(&errs, p.Key("lateReplyGuard"), s.LateReplyGuard, 0)
	return errs
}
