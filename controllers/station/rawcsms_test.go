package station

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rawcsms"
)

// rawSpec is csmsSpec with a 1 s MessageTimeout, so a CALL the raw CSMS
// leaves unanswered costs a second.
func rawSpec() v1alpha1.CSMSSpec {
	spec := csmsSpec()
	spec.MessageTimeout = "1s"
	return spec
}

// faultsFirst answers the first len(faults) CALLs of each action in
// actions with those faults, in order, and everything else correctly.
func faultsFirst(faults []rawcsms.Fault, actions ...string) rawcsms.Script {
	return func(action string, n int) rawcsms.Fault {
		for _, a := range actions {
			if a == action && n < len(faults) {
				return faults[n]
			}
		}
		return rawcsms.OK
	}
}

func startRaw(t *testing.T, script rawcsms.Script) *rawcsms.CSMS {
	cs := rawcsms.Start(script)
	t.Cleanup(cs.Stop)
	return cs
}

// count returns how many CALLs of action were answered with fault.
func count(calls []rawcsms.Call, action string, fault rawcsms.Fault) int {
	n := 0
	for _, c := range calls {
		if c.Action == action && c.Fault == fault {
			n++
		}
	}
	return n
}

// TestLinkSurvivesFailedCalls: a CSMS that answers Heartbeat and
// StatusNotification with a CALLERROR, nothing, garbage, a wrong message id
// and an invalid payload keeps its one connection (each used to close it),
// and the status it did not take is sent again until it is accepted.
func TestLinkSurvivesFailedCalls(t *testing.T) {
	faults := []rawcsms.Fault{rawcsms.CallError, rawcsms.NoAnswer, rawcsms.Garbage, rawcsms.WrongID, rawcsms.Invalid}
	cs := startRaw(t, faultsFirst(faults, "Heartbeat", "StatusNotification"))
	f := stationFixture(t, cs.URL, rawSpec())
	f.Create(Kind, "ch1", charger("GW-RAW-1", 1))
	fixture.Within(t, 30*time.Second, "a StatusNotification accepted after five refused", func() string {
		calls := cs.Calls()
		if n := count(calls, "StatusNotification", rawcsms.OK); n == 0 {
			return fmt.Sprintf("%d StatusNotifications, none accepted", len(calls))
		}
		if n := count(calls, "Heartbeat", rawcsms.OK); n == 0 {
			return "no Heartbeat accepted yet"
		}
		return ""
	})
	calls := cs.Calls()
	for _, fault := range faults {
		for _, action := range []string{"Heartbeat", "StatusNotification"} {
			if count(calls, action, fault) != 1 {
				t.Errorf("%s answered with %s %d times, want 1", action, fault, count(calls, action, fault))
			}
		}
	}
	for _, c := range calls {
		if c.Conn != 1 {
			t.Fatalf("%s on connection %d: the link was dropped", c.Action, c.Conn)
		}
	}
	if opened, _ := cs.Connections("GW-RAW-1"); opened != 1 {
		t.Fatalf("%d connections, want 1", opened)
	}
	if n := count(calls, "BootNotification", rawcsms.OK); n != 1 {
		t.Fatalf("%d BootNotifications, want 1", n)
	}
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
}

// TestBackoffGrowsWhenDroppedAfterAccept: a CSMS that accepts the station
// and drops it at its first StatusNotification sees the waits double
// (1 s, 2 s, 4 s, 4 s with RetryBackOffRepeatTimes 2), not a reconnect
// every WaitMinimum: the back-off starts over only after a connection
// stayed up (DefaultStableAfter). The gaps are checked against their lower
// bounds, which timers guarantee however slow the machine.
func TestBackoffGrowsWhenDroppedAfterAccept(t *testing.T) {
	cs := startRaw(t, func(action string, n int) rawcsms.Fault {
		if action == "StatusNotification" {
			return rawcsms.Close
		}
		return rawcsms.OK
	})
	f := stationFixture(t, cs.URL, csmsSpec()) // WaitMinimum 1s, RandomRange 1s, RepeatTimes 2
	f.Create(Kind, "ch1", charger("GW-RAW-2", 1))
	fixture.Within(t, 30*time.Second, "four connections", func() string {
		if n := len(cs.ConnectedAt("GW-RAW-2")); n < 4 {
			return fmt.Sprintf("%d connections", n)
		}
		return ""
	})
	at := cs.ConnectedAt("GW-RAW-2")
	for i, least := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		gap := at[i+1].Sub(at[i])
		t.Logf("connection %d → %d: %v (wait at least %v)", i+1, i+2, gap, least)
		if gap < least {
			t.Errorf("connection %d came %v after the one before, want at least %v: the back-off did not grow", i+2, gap, least)
		}
	}
}

// TestRedialWaitsForOldConnection: after a Reset the station closes its
// connection and dials again only once the CSMS answered the close, so a
// slow CSMS never holds two connections for one station id.
func TestRedialWaitsForOldConnection(t *testing.T) {
	cs := startRaw(t, nil)
	cs.CloseDelay = 300 * time.Millisecond
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-RAW-3", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	if err := cs.Send("GW-RAW-3", `[2,"reset-1","Reset",{"type":"Immediate"}]`); err != nil {
		t.Fatal(err)
	}
	fixture.Eventually(t, "a second BootNotification after the Reset", func() string {
		if n := count(cs.Calls(), "BootNotification", rawcsms.OK); n < 2 {
			return fmt.Sprintf("%d BootNotifications", n)
		}
		return ""
	})
	opened, most := cs.Connections("GW-RAW-3")
	if opened != 2 || most != 1 {
		t.Fatalf("%d connections, at most %d open at once; want 2 and 1", opened, most)
	}
}

// TestLinkSurvivesRefusedFollowUp: a follow-up the station sends after
// answering a CSMS request (here the NotifyReport of a GetBaseReport) that
// the CSMS refuses is logged; the link stays up and later CALLs go out.
func TestLinkSurvivesRefusedFollowUp(t *testing.T) {
	cs := startRaw(t, faultsFirst([]rawcsms.Fault{rawcsms.CallError}, "NotifyReport"))
	f := stationFixture(t, cs.URL, rawSpec())
	f.Create(Kind, "ch1", charger("GW-RAW-4", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	if err := cs.Send("GW-RAW-4", `[2,"gbr-1","GetBaseReport",{"requestId":1,"reportBase":"FullInventory"}]`); err != nil {
		t.Fatal(err)
	}
	fixture.Eventually(t, "two heartbeats after the refused NotifyReport", func() string {
		calls := cs.Calls()
		refused := slices.IndexFunc(calls, func(c rawcsms.Call) bool { return c.Action == "NotifyReport" })
		if refused < 0 {
			return "no NotifyReport yet"
		}
		if n := count(calls[refused:], "Heartbeat", rawcsms.OK); n < 2 {
			return fmt.Sprintf("%d heartbeats after it", n)
		}
		return ""
	})
	if opened, _ := cs.Connections("GW-RAW-4"); opened != 1 {
		t.Fatalf("%d connections, want 1: the refused follow-up dropped the link", opened)
	}
}
