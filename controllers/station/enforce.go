package station

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	devctl "github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/controllers/station/tx"
)

// The device follows the session: a charger is held (the template's stop
// command) until a session on its EVSE is authorized, released (start)
// while it is, and held again on a remote stop or a deauthorization. An
// AutoStart charger is released until its session ends, and again once
// the EV has left. An inoperative EVSE is never released: the hold is how
// Inoperative is kept on chargers whose setAvailable is a 0 A limit.

// ConditionChargingControl says whether the station can hold and release
// the charger as sessions require.
const ConditionChargingControl = "ChargingControl"

// retryHoldEvery is how often a command the device did not take is tried
// again while nothing else changes.
const retryHoldEvery = 5 * time.Second

// released reports whether the EVSE's charger may charge now.
func (s *Station) released(evse int) bool {
	s.mu.Lock()
	inoperative := inoperativeIn(s.availability, ConnectorRef{EVSE: evse})
	for _, ref := range s.connectors() {
		if ref.EVSE == evse && s.inoperativeLocked(ref) {
			inoperative = true
		}
	}
	s.mu.Unlock()
	if inoperative {
		return false
	}
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	e := s.ss.evses[evse]
	if e.invalid {
		return s.underInvalidMaxLocked(e.machine)
	}
	if e.machine.Authorization() != nil {
		return true
	}
	return s.cfg.Auth.Mode == v1alpha1.AuthAutoStart && !e.autoDone && e.machine.Session() == nil
}

// enforce brings the charger to what released says, unless it is there
// already. A device that did not take the command is tried again at the
// next step, at most every retryHoldEvery.
func (s *Station) enforce(ctx context.Context, evse int) {
	s.mu.Lock()
	reachable := s.obs.Reachable && !s.obs.Connecting && s.obs.Polled
	s.mu.Unlock()
	if !reachable {
		return // told once it answers: forgetCommanded cleared what it was told
	}
	s.ss.cmdMu.Lock()
	defer s.ss.cmdMu.Unlock()
	want := s.released(evse)
	s.ss.mu.Lock()
	e := s.ss.evses[evse]
	have, known, tried := e.commanded, e.told, e.triedAt
	// A held charger that charges anyway (a value written back, a
	// charger reset) is held again, at most every retryHoldEvery.
	leaking := !want && e.flowing && time.Since(e.heldAt) >= retryHoldEvery
	if (known && have == want && !leaking) || (!tried.IsZero() && time.Since(tried) < retryHoldEvery && e.triedWant == want) {
		s.ss.mu.Unlock()
		return
	}
	if leaking && known {
		s.log.Warn("the charger charges although held: holding it again", "evse", evse)
	}
	e.triedAt, e.triedWant = time.Now(), want
	s.ss.mu.Unlock()
	if err := s.commandEVSE(ctx, evse, want); err != nil {
		if errors.Is(err, devctl.ErrNoDevice) || errors.Is(err, devctl.ErrNoData) {
			// The device is not connected or not read yet (a status from
			// before a restart can still say it was reachable): the step
			// that follows its first poll commands it, without a wait.
			s.ss.mu.Lock()
			e.triedAt = time.Time{}
			s.ss.mu.Unlock()
			s.log.Debug("charger not commanded yet: no device connection or reading", "evse", evse, "err", err)
			return
		}
		s.log.Warn("charger not held/released as the session requires", "evse", evse, "release", want, "err", err)
		return
	}
	s.ss.mu.Lock()
	e.command(want)
	e.triedAt = time.Time{} // the gate is for failures only
	if !want {
		e.heldAt = time.Now()
	}
	s.ss.mu.Unlock()
}

// commandEVSE runs start (release) or stop (hold) on the EVSE's first
// connector; a template without them falls back to setAvailable. It
// records in ChargingControl whether the charger can be controlled.
func (s *Station) commandEVSE(ctx context.Context, evse int, release bool) error {
	conn := s.firstConnector(evse)
	name := "stop"
	if release {
		name = "start"
	}
	err := s.host.Command(ctx, name, conn, cel.Args{LimitA: s.startLimit(evse)})
	if errors.Is(err, cel.ErrUnsupported) {
		name = "setAvailable"
		err = s.host.Command(ctx, name, conn, cel.Args{Available: release})
	}
	switch {
	case errors.Is(err, cel.ErrUnsupported):
		s.setControl(v1alpha1.ConditionFalse, "Unsupported",
			"the template has neither start/stop nor setAvailable: sessions cannot hold or release the charger, so remote start and stop are rejected")
	case err == nil:
		s.setControl(v1alpha1.ConditionTrue, "Commanded", fmt.Sprintf("%s took effect on EVSE %d", name, evse))
		if release {
			s.lim.forget(evse) // the limit is written again at once after a release
		}
	}
	if err != nil {
		return fmt.Errorf("%s on EVSE %d: %w", name, evse, err)
	}
	return nil
}

func (s *Station) setControl(status v1alpha1.ConditionStatus, reason, msg string) {
	s.mu.Lock()
	changed := s.control.Status != status || s.control.Reason != reason
	s.control = v1alpha1.Condition{Type: ConditionChargingControl, Status: status, Reason: reason, Message: msg}
	s.mu.Unlock()
	if changed {
		s.writeStatus()
	}
}

// forget makes the next step command the EVSE again: the device was
// unreachable and may have lost what it was told.
func (s *Station) forgetCommanded() {
	s.ss.mu.Lock()
	for _, e := range s.ss.evses {
		e.commanded, e.told = false, false
	}
	s.ss.mu.Unlock()
	s.lim.forgetAll()
}

// underInvalidMaxLocked: a session whose token the CSMS refused, kept
// because StopTxOnInvalidId is false, may go on until it delivered
// MaxEnergyOnInvalidId (E05); unknown energy holds it at once.
func (s *Station) underInvalidMaxLocked(m *tx.Machine) bool {
	limit := s.model.Int(txCtrlr, devicemodel.Variable{Name: "MaxEnergyOnInvalidId"}, 0)
	t := m.Session()
	if limit <= 0 || t == nil {
		return false
	}
	rec := s.ss.records[t.ID]
	return rec != nil && rec.t.Status.EnergyWh != nil && *rec.t.Status.EnergyWh < float64(limit)
}
