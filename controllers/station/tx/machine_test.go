package tx

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

var t0 = time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)

// flow runs steps against one machine and records the events as
// "Type/Trigger/ChargingState[/StoppedReason]" lines.
type flow struct {
	t   *testing.T
	m   *Machine
	s   Settings
	now time.Time
	got []string
	ids int
}

func newFlow(t *testing.T, start, stop []Point) *flow {
	f := &flow{t: t, s: Settings{StartPoints: start, StopPoints: stop, EVConnectionTimeOut: 60 * time.Second}, now: t0}
	f.m = New(func() string { f.ids++; return fmt.Sprintf("tx-%d", f.ids) })
	return f
}

func (f *flow) step(o Observed, after time.Duration) {
	f.now = f.now.Add(after)
	o.Known = true
	for _, e := range f.m.Step(o, f.s, f.now) {
		line := fmt.Sprintf("%s/%s/%s", e.Type, e.Trigger, e.ChargingState)
		if e.StoppedReason != "" {
			line += "/" + string(e.StoppedReason)
		}
		if e.IDToken != nil {
			line += " token=" + e.IDToken.IDToken
		}
		if e.RemoteStartID != nil {
			line += fmt.Sprintf(" remote=%d", *e.RemoteStartID)
		}
		if e.Tx == nil {
			f.t.Fatalf("event %s has no session", line)
		}
		f.got = append(f.got, line)
	}
}

func (f *flow) want(lines ...string) {
	f.t.Helper()
	if strings.Join(f.got, "\n") != strings.Join(lines, "\n") {
		f.t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(f.got, "\n"), strings.Join(lines, "\n"))
	}
}

func remote(id int) Auth {
	return Auth{IDToken: ocpp.IdTokenType{IDToken: "TOKEN1", Type: ocpp.IdTokenCentral}, Source: SourceRemote, RemoteStartID: &id, At: t0}
}

var (
	idle      = Observed{}
	plugged   = Observed{EVConnected: true, Blocked: true}
	released  = Observed{EVConnected: true}
	charging  = Observed{EVConnected: true, Charging: true, Flowing: true}
	evPaused  = Observed{EVConnected: true, Suspended: true}
	stopped   = Observed{EVConnected: true, Suspended: true, Blocked: true}
	bothPts   = []Point{EVConnected, Authorized}
	powerPath = []Point{PowerPathClosed}
)

func TestCableFirstThenRemoteStart(t *testing.T) {
	f := newFlow(t, bothPts, bothPts)
	f.step(idle, 0)
	f.step(plugged, time.Second)
	f.m.Authorize(remote(7))
	f.step(released, time.Second)
	f.step(charging, time.Second)
	f.step(idle, time.Second)
	f.want("Started/CablePluggedIn/EVConnected",
		"Updated/RemoteStart/EVConnected token=TOKEN1 remote=7",
		"Updated/ChargingStateChanged/Charging",
		"Ended/EVCommunicationLost/Idle/EVDisconnected")
}

func TestRemoteStartThenCable(t *testing.T) {
	f := newFlow(t, bothPts, bothPts)
	f.step(idle, 0)
	f.m.Authorize(remote(3))
	f.step(idle, time.Second)
	f.step(released, time.Second)
	f.step(charging, time.Second)
	f.want("Started/RemoteStart/Idle token=TOKEN1 remote=3",
		"Updated/CablePluggedIn/EVConnected",
		"Updated/ChargingStateChanged/Charging")
}

func TestRemoteStartBeforeStartPointHolds(t *testing.T) {
	f := newFlow(t, []Point{EVConnected}, []Point{EVConnected})
	f.m.Authorize(remote(4))
	f.step(idle, time.Second)
	f.step(released, time.Second)
	f.want("Started/CablePluggedIn/EVConnected token=TOKEN1 remote=4")
}

func TestEVConnectionTimeoutEndsSession(t *testing.T) {
	f := newFlow(t, bothPts, bothPts)
	f.m.Authorize(remote(5))
	f.step(idle, 0)
	if due := f.m.NextDue(f.s); !due.Equal(t0.Add(60 * time.Second)) {
		t.Fatalf("NextDue = %v, want the timeout at %v", due, t0.Add(60*time.Second))
	}
	f.step(idle, 59*time.Second)
	f.step(idle, time.Second)
	f.want("Started/RemoteStart/Idle token=TOKEN1 remote=5", "Ended/EVConnectTimeout/Idle/Timeout")
	if f.m.Authorization() != nil || f.m.Session() != nil {
		t.Fatal("authorization or session left after the timeout")
	}
}

func TestTimeoutDoesNotApplyOnceTheEVCame(t *testing.T) {
	f := newFlow(t, bothPts, bothPts)
	f.m.Authorize(remote(5))
	f.step(released, 0)
	f.step(charging, 2*time.Minute)
	f.want("Started/RemoteStart/EVConnected token=TOKEN1 remote=5", "Updated/ChargingStateChanged/Charging")
}

func TestRemoteStopWithEVConnectedOnlyStopPoint(t *testing.T) {
	f := newFlow(t, bothPts, []Point{EVConnected})
	f.m.Authorize(remote(1))
	f.step(charging, 0)
	f.m.Revoke(ocpp.TriggerReasonRemoteStop, ocpp.ReasonRemote)
	f.step(stopped, time.Second)
	f.step(idle, time.Second)
	f.want("Started/RemoteStart/Charging token=TOKEN1 remote=1",
		"Updated/RemoteStop/SuspendedEVSE",
		"Ended/EVCommunicationLost/Idle/Remote")
}

func TestRemoteStopEndsAtAuthorizedStopPoint(t *testing.T) {
	f := newFlow(t, bothPts, bothPts)
	f.m.Authorize(remote(1))
	f.step(charging, 0)
	f.m.Revoke(ocpp.TriggerReasonRemoteStop, ocpp.ReasonRemote)
	f.step(stopped, time.Second)
	f.want("Started/RemoteStart/Charging token=TOKEN1 remote=1", "Ended/RemoteStop/SuspendedEVSE/Remote")
}

func TestSuspendedByEVAndPowerPathStopPoint(t *testing.T) {
	f := newFlow(t, powerPath, powerPath)
	f.m.Authorize(Auth{IDToken: ocpp.IdTokenType{Type: ocpp.IdTokenNoAuthorization}, Source: SourceAuto, At: t0})
	f.step(released, 0)
	f.step(charging, time.Second)
	f.step(Observed{EVConnected: true, Charging: true}, time.Second)
	f.step(evPaused, time.Second)
	f.want("Started/ChargingStateChanged/Charging token=",
		"Updated/ChargingStateChanged/SuspendedEV",
		"Ended/ChargingStateChanged/SuspendedEV/StoppedByEV")
}

func TestPeriodicEvents(t *testing.T) {
	f := newFlow(t, bothPts, bothPts)
	f.s.UpdatedInterval = 60 * time.Second
	f.m.Authorize(remote(2))
	f.step(charging, 0)
	f.step(charging, 30*time.Second)
	f.step(charging, 30*time.Second)
	f.step(charging, 59*time.Second)
	f.step(charging, time.Second)
	f.want("Started/RemoteStart/Charging token=TOKEN1 remote=2",
		"Updated/MeterValuePeriodic/Charging", "Updated/MeterValuePeriodic/Charging")
}

func TestUnknownDecidesNothing(t *testing.T) {
	f := newFlow(t, bothPts, bothPts)
	f.m.Authorize(remote(2))
	f.step(charging, 0)
	if evs := f.m.Step(Observed{}, f.s, f.now.Add(time.Hour)); evs != nil {
		t.Fatalf("an unknown observation made events: %v", evs)
	}
	if f.m.Session() == nil {
		t.Fatal("the session ended on an unknown observation")
	}
}

func TestUnpluggedBeforeAuthorizationEnds(t *testing.T) {
	f := newFlow(t, []Point{EVConnected}, []Point{Authorized})
	f.step(plugged, 0)
	f.step(idle, time.Second)
	f.want("Started/CablePluggedIn/EVConnected", "Ended/EVCommunicationLost/Idle/EVDisconnected")
}

func TestStopAndRestore(t *testing.T) {
	f := newFlow(t, bothPts, bothPts)
	f.m.Authorize(remote(9))
	f.step(charging, 0)
	saved := *f.m.Session()
	a := *f.m.Authorization()
	m := New(func() string { return "new" })
	m.Restore(saved, &a)
	evs := m.Step(Observed{Known: true, EVConnected: true, Charging: true, Flowing: true}, f.s, f.now.Add(time.Second))
	if len(evs) != 0 {
		t.Fatalf("a restored session that goes on made events: %+v", evs)
	}
	evs = m.Stop(Observed{}, ocpp.TriggerReasonResetCommand, ocpp.ReasonImmediateReset)
	if len(evs) != 1 || evs[0].Tx.ID != "tx-1" || evs[0].StoppedReason != ocpp.ReasonImmediateReset {
		t.Fatalf("Stop = %+v, want one Ended of tx-1 with ImmediateReset", evs)
	}
}

// TestNoNewSessionForTheSameCable: a session ended by a remote stop with
// the EV still plugged in is not followed by another for the same cable;
// a new authorization starts one, and so does the next plug-in.
func TestNoNewSessionForTheSameCable(t *testing.T) {
	f := newFlow(t, bothPts, bothPts)
	f.m.Authorize(remote(1))
	f.step(charging, 0)
	f.m.Revoke(ocpp.TriggerReasonRemoteStop, ocpp.ReasonRemote)
	f.step(stopped, time.Second)
	f.step(stopped, time.Second)
	f.step(stopped, time.Second)
	f.m.Authorize(remote(2))
	f.step(released, time.Second)
	f.m.Revoke(ocpp.TriggerReasonRemoteStop, ocpp.ReasonRemote)
	f.step(stopped, time.Second)
	f.step(idle, time.Second)
	f.step(plugged, time.Second)
	f.want("Started/RemoteStart/Charging token=TOKEN1 remote=1", "Ended/RemoteStop/SuspendedEVSE/Remote",
		"Started/RemoteStart/EVConnected token=TOKEN1 remote=2", "Ended/RemoteStop/SuspendedEVSE/Remote",
		"Started/CablePluggedIn/EVConnected")
}
