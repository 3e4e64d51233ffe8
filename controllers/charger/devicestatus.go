package charger

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/ocppgw/ocppgw/store"
)

// The conditions the device side of the controller sets.
const (
	// ConditionDeviceReachable: the device answers polls.
	ConditionDeviceReachable = "DeviceReachable"
	// ConditionDeviceDataValid: every required read of the last poll arrived
	// usable. False names each read that did not and why.
	ConditionDeviceDataValid = "DeviceDataValid"
	// ConditionMappingValid: the template compiles and its expressions
	// evaluate over what the device sent.
	ConditionMappingValid = "MappingValid"
	// ConditionPollsOnTime: polls finish within pollInterval.
	ConditionPollsOnTime = "PollsOnTime"
)

// Reasons of the device-side conditions besides those in fault.go.
const (
	ReasonConnecting       = "Connecting"
	ReasonPolled           = "Polled"
	ReasonOpenFailed       = "OpenFailed"
	ReasonComplete         = "Complete"
	ReasonCompiled         = "Compiled"
	ReasonCompileFailed    = "CompileFailed"
	ReasonEvaluationFailed = "EvaluationFailed"
	ReasonOnTime           = "OnTime"
	ReasonOverran          = "Overran"
	// FaultDeviceNotResponding is the faultCode signal of a charger whose
	// device failed FailureThreshold polls in a row.
	FaultDeviceNotResponding = "DeviceNotResponding"
)

// statusOwner names the device side's status patches in the store.
const statusOwner = "charger-device"

// deviceState is everything the device side reports for one charger. The
// reconciler (mapping builds, opens), the poller (reads) and the command
// loop (outcomes) all change it; every change queues one coalesced status
// patch computed from it, so they never write conflicting versions of the
// same fields.
type deviceState struct {
	st   *store.Store
	name string
	now  func() time.Time
	log  *slog.Logger
	met  *metrics.Charger // nil: no metrics

	mu         sync.Mutex
	connectors []v1alpha1.OCPPEVSE // the layout: EVSE id and connector id
	threshold  int
	buildErr   error // the newest template did not compile; an older mapping may run
	openErr    error
	polled     bool
	failures   int // polls in a row that got no answer
	lastErr    error
	lastErrAt  time.Time
	lastGood   time.Time     // the last poll that read the signals
	readFails  []ReadFailure // required reads of the last answered poll that failed
	evalErrs   []error
	signals    map[int]map[string]any    // by connector index in the layout
	unknown    map[int]map[string]string // by connector index: signal → why
	overran    time.Duration             // the last poll's duration when it ran past pollInterval
	interval   time.Duration
	commands   map[string]v1alpha1.CommandStatus
	logged     map[string]string // condition type → "Status/Reason" last logged
}

func (d *deviceState) update(change func(d *deviceState)) {
	d.mu.Lock()
	change(d)
	snap := d.snapshot()
	d.logTransitions(snap)
	d.met.SetReachable(d.name, d.reachableLocked())
	d.mu.Unlock()
	controllers.QueueStatusMerge(d.st, Kind, d.name, statusOwner, snap.apply)
}

// reachable reports whether the device answered its last polls, which is
// when periodic commands are worth sending.
func (d *deviceState) reachable() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.reachableLocked()
}

// reachableLocked is reachable with d.mu held: DeviceReachable is True.
func (d *deviceState) reachableLocked() bool {
	return d.polled && !d.notResponding() && d.openErr == nil
}

func (d *deviceState) notResponding() bool { return d.threshold > 0 && d.failures >= d.threshold }

// patch is a consistent copy of deviceState, applied at flush time.
type patch struct {
	now        time.Time
	connectors []v1alpha1.OCPPEVSE
	signals    map[int]map[string]any
	unknown    map[int]map[string]string
	stale      bool
	device     *v1alpha1.DeviceStatus
	conditions []v1alpha1.Condition
}

func (d *deviceState) snapshot() patch {
	p := patch{now: d.now(), connectors: d.connectors, signals: map[int]map[string]any{}, unknown: d.unknown,
		stale: d.failures > 0}
	notResponding := d.notResponding()
	for i := range d.connectors {
		s := maps.Clone(d.signals[i])
		if notResponding {
			if s == nil {
				s = map[string]any{}
			}
			s["faulted"], s["faultCode"] = true, FaultDeviceNotResponding
		}
		p.signals[i] = s
	}
	if d.failures > 0 || len(d.commands) > 0 {
		p.device = &v1alpha1.DeviceStatus{ConsecutiveFailures: d.failures, Commands: maps.Clone(d.commands)}
		if d.failures > 0 {
			p.device.LastError = errString(d.lastErr)
			p.device.LastErrorTime = d.lastErrAt.UTC().Format(time.RFC3339)
			if !d.lastGood.IsZero() {
				p.device.DataStaleSince = d.lastGood.UTC().Format(time.RFC3339)
			}
		}
	}
	p.conditions = []v1alpha1.Condition{d.reachableCondition(), d.dataCondition(), d.mappingCondition(), d.scheduleCondition()}
	return p
}

func (d *deviceState) reachableCondition() v1alpha1.Condition {
	c := v1alpha1.Condition{Type: ConditionDeviceReachable, Status: v1alpha1.ConditionUnknown, Reason: ReasonConnecting,
		Message: "waiting for the first poll"}
	switch {
	case d.openErr != nil:
		c.Status, c.Reason, c.Message = v1alpha1.ConditionFalse, ReasonOpenFailed, d.openErr.Error()
	case d.notResponding():
		c.Status, c.Reason = v1alpha1.ConditionFalse, faultReason(d.lastErr)
		c.Message = fmt.Sprintf("%d polls in a row failed; last: %s", d.failures, describe(d.lastErr))
	case d.polled:
		c.Status, c.Reason, c.Message = v1alpha1.ConditionTrue, ReasonPolled, ""
	}
	return c
}

func (d *deviceState) dataCondition() v1alpha1.Condition {
	c := v1alpha1.Condition{Type: ConditionDeviceDataValid, Status: v1alpha1.ConditionUnknown, Reason: ReasonConnecting,
		Message: "waiting for the first answer"}
	switch {
	case len(d.readFails) > 0:
		c.Status, c.Reason = v1alpha1.ConditionFalse, worstReason(d.readFails)
		c.Message = failuresText(d.readFails) + "; the signals computed from these reads are unknown"
	case d.polled:
		c.Status, c.Reason, c.Message = v1alpha1.ConditionTrue, ReasonComplete, ""
	}
	return c
}

func (d *deviceState) mappingCondition() v1alpha1.Condition {
	c := v1alpha1.Condition{Type: ConditionMappingValid, Status: v1alpha1.ConditionTrue, Reason: ReasonCompiled}
	switch {
	case d.buildErr != nil:
		c.Status, c.Reason, c.Message = v1alpha1.ConditionFalse, ReasonCompileFailed, d.buildErr.Error()
	case len(d.evalErrs) > 0:
		c.Status, c.Reason, c.Message = v1alpha1.ConditionFalse, ReasonEvaluationFailed, errors.Join(d.evalErrs...).Error()
	}
	return c
}

func (d *deviceState) scheduleCondition() v1alpha1.Condition {
	if d.overran > 0 {
		return v1alpha1.Condition{Type: ConditionPollsOnTime, Status: v1alpha1.ConditionFalse, Reason: ReasonOverran,
			Message: fmt.Sprintf("a poll took %v, longer than pollInterval %v, so the next poll was skipped; "+
				"raise pollInterval, or lower the timeouts, retries or number of reads", d.overran.Round(time.Millisecond), d.interval)}
	}
	return v1alpha1.Condition{Type: ConditionPollsOnTime, Status: v1alpha1.ConditionTrue, Reason: ReasonOnTime}
}

// logTransitions logs each device condition whose status or reason changed,
// at info: an installer reads the log to see when a device went away,
// why, and when it came back.
func (d *deviceState) logTransitions(p patch) {
	if d.log == nil {
		return
	}
	if d.logged == nil {
		d.logged = map[string]string{}
	}
	for _, c := range p.conditions {
		if c.Status == v1alpha1.ConditionUnknown {
			continue // a swap or a start: the next poll says more
		}
		now := string(c.Status) + "/" + c.Reason
		was := d.logged[c.Type]
		d.logged[c.Type] = now
		switch {
		case was == now:
		case c.Status == v1alpha1.ConditionFalse:
			d.log.Warn(conditionFalseMessage(c.Type), "charger", d.name, "reason", c.Reason, "message", c.Message)
		case strings.HasPrefix(was, string(v1alpha1.ConditionFalse)):
			d.log.Info(conditionTrueAgainMessage(c.Type), "charger", d.name, "reason", c.Reason, "was", was)
		case was == "" && c.Type == ConditionDeviceReachable:
			d.log.Info("device reachable", "charger", d.name)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// apply writes the device side's fields into a stored status: its
// conditions, status.device, and the signals of each connector, keeping the
// connector status the station sets.
func (p patch) apply(s *controllers.Status) error {
	for _, c := range p.conditions {
		s.SetCondition(c, p.now)
	}
	if p.device == nil {
		s.Remove("device")
	} else if err := s.Set("device", p.device); err != nil {
		return err
	}
	var old []v1alpha1.ConnectorStatus
	if raw := s.Field("connectors"); len(raw) > 0 {
		if err := json.Unmarshal(raw, &old); err != nil {
			return fmt.Errorf("status.connectors: %w", err)
		}
	}
	conns := make([]v1alpha1.ConnectorStatus, len(p.connectors))
	for i, c := range p.connectors {
		conns[i] = v1alpha1.ConnectorStatus{EVSEID: c.ID, ConnectorID: c.ConnectorID, Signals: p.signals[i],
			Unknown: p.unknown[i], Stale: p.stale}
		for _, o := range old {
			if o.EVSEID == c.ID && o.ConnectorID == c.ConnectorID {
				conns[i].Status = o.Status
			}
		}
	}
	return s.Set("connectors", conns)
}

// failCount is the number of polls in a row the device did not answer.
func (d *deviceState) failCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.failures
}

// conditionFalseMessage and conditionTrueAgainMessage are the log messages
// for a device condition turning False and back True, a constant for each
// condition so that the message catalogs can translate them.
func conditionFalseMessage(typ string) string {
	switch typ {
	case ConditionDeviceReachable:
		return "device DeviceReachable False"
	case ConditionDeviceDataValid:
		return "device DeviceDataValid False"
	case ConditionMappingValid:
		return "device MappingValid False"
	case ConditionPollsOnTime:
		return "device PollsOnTime False"
	}
	return "device condition False"
}

func conditionTrueAgainMessage(typ string) string {
	switch typ {
	case ConditionDeviceReachable:
		return "device DeviceReachable True again"
	case ConditionDeviceDataValid:
		return "device DeviceDataValid True again"
	case ConditionMappingValid:
		return "device MappingValid True again"
	case ConditionPollsOnTime:
		return "device PollsOnTime True again"
	}
	return "device condition True again"
}
