package charger

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"
)

// The conditions the device side of the controller sets.
const (
	ConditionDeviceReachable = "DeviceReachable"
	ConditionMappingValid    = "MappingValid"
)

// Reasons of DeviceReachable and MappingValid.
const (
	ReasonConnecting       = "Connecting"
	ReasonPolled           = "Polled"
	ReasonOpenFailed       = "OpenFailed"
	ReasonNotResponding    = "NotResponding"
	ReasonCompiled         = "Compiled"
	ReasonCompileFailed    = "CompileFailed"
	ReasonEvaluationFailed = "EvaluationFailed"
	// FaultDeviceNotResponding is the faultCode signal of a charger whose
	// device failed FailureThreshold polls in a row.
	FaultDeviceNotResponding = "DeviceNotResponding"
)

// statusOwner names the device side's status patches in the store.
const statusOwner = "charger-device"

// deviceState is everything the device side reports for one charger. The
// reconciler (mapping builds, opens) and the poller (reads) both change it;
// every change queues one coalesced status patch computed from it, so the
// two never write conflicting versions of the same fields.
type deviceState struct {
	st   *store.Store
	name string
	now  func() time.Time

	mu         sync.Mutex
	connectors []v1alpha1.OCPPEVSE // the layout: EVSE id and connector id
	threshold  int
	buildErr   error // the newest template did not compile; an older mapping may run
	openErr    error
	polled     bool
	failures   int
	lastErr    error
	lastErrAt  time.Time
	evalErrs   []error
	signals    map[int]map[string]any // by connector index in the layout
}

func (d *deviceState) update(change func(d *deviceState)) {
	d.mu.Lock()
	change(d)
	snap := d.snapshot()
	d.mu.Unlock()
	controllers.QueueStatusMerge(d.st, Kind, d.name, statusOwner, snap.apply)
}

// patch is a consistent copy of deviceState, applied at flush time.
type patch struct {
	now        time.Time
	connectors []v1alpha1.OCPPEVSE
	signals    map[int]map[string]any
	device     *v1alpha1.DeviceStatus
	reachable  v1alpha1.Condition
	mapping    v1alpha1.Condition
}

func (d *deviceState) snapshot() patch {
	p := patch{now: d.now(), connectors: d.connectors, signals: map[int]map[string]any{}}
	notResponding := d.failures >= d.threshold && d.threshold > 0
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
	if d.failures > 0 {
		p.device = &v1alpha1.DeviceStatus{ConsecutiveFailures: d.failures, LastError: errString(d.lastErr),
			LastErrorTime: d.lastErrAt.UTC().Format(time.RFC3339)}
	}
	p.reachable = v1alpha1.Condition{Type: ConditionDeviceReachable, Status: v1alpha1.ConditionUnknown, Reason: ReasonConnecting,
		Message: "waiting for the first poll"}
	switch {
	case d.openErr != nil:
		p.reachable = v1alpha1.Condition{Type: ConditionDeviceReachable, Status: v1alpha1.ConditionFalse, Reason: ReasonOpenFailed, Message: d.openErr.Error()}
	case notResponding:
		p.reachable = v1alpha1.Condition{Type: ConditionDeviceReachable, Status: v1alpha1.ConditionFalse, Reason: ReasonNotResponding,
			Message: fmt.Sprintf("%d polls in a row failed; last: %v", d.failures, d.lastErr)}
	case d.polled:
		p.reachable = v1alpha1.Condition{Type: ConditionDeviceReachable, Status: v1alpha1.ConditionTrue, Reason: ReasonPolled}
	}
	p.mapping = v1alpha1.Condition{Type: ConditionMappingValid, Status: v1alpha1.ConditionTrue, Reason: ReasonCompiled}
	switch {
	case d.buildErr != nil:
		p.mapping = v1alpha1.Condition{Type: ConditionMappingValid, Status: v1alpha1.ConditionFalse, Reason: ReasonCompileFailed, Message: d.buildErr.Error()}
	case len(d.evalErrs) > 0:
		p.mapping = v1alpha1.Condition{Type: ConditionMappingValid, Status: v1alpha1.ConditionFalse, Reason: ReasonEvaluationFailed,
			Message: errors.Join(d.evalErrs...).Error()}
	}
	return p
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// apply writes the device side's fields into a stored status: the two
// conditions, status.device, and the signals of each connector, keeping the
// connector status the station sets.
func (p patch) apply(s *controllers.Status) error {
	s.SetCondition(p.reachable, p.now)
	s.SetCondition(p.mapping, p.now)
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
		conns[i] = v1alpha1.ConnectorStatus{EVSEID: c.ID, ConnectorID: c.ConnectorID, Signals: p.signals[i]}
		for _, o := range old {
			if o.EVSEID == c.ID && o.ConnectorID == c.ConnectorID {
				conns[i].Status = o.Status
			}
		}
	}
	return s.Set("connectors", conns)
}
