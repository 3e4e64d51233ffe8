package station

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

// TestHeartbeatsWhileSignalsChange: a charger whose readings change at
// every poll wakes the station loop all the time; its heartbeats still go
// out on their own schedule (they were pushed back at each wake and never
// sent).
func TestHeartbeatsWhileSignalsChange(t *testing.T) {
	cs := startStrict(t)
	if err := cs.Set(ctxT(t), strictcsms.Settings{Interval: 1}); err != nil {
		t.Fatal(err)
	}
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-HB", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { // a new power reading every 100 ms
		defer close(done)
		for w := 0.0; ctx.Err() == nil; w += 10 {
			controllers.QueueStatusMerge(f.Store, Kind, "ch1", "charger-device", func(s *controllers.Status) error {
				return s.Set("connectors", []v1alpha1.ConnectorStatus{{EVSEID: 1, ConnectorID: 1,
					Signals: map[string]any{"evConnected": true, "charging": true, "powerW": w}}})
			})
			f.Store.Flush()
			time.Sleep(100 * time.Millisecond)
		}
	}()
	defer func() { stop(); <-done }()
	start := len(cs.Events())
	fixture.Eventually(t, "three heartbeats while the readings change", func() string {
		n := 0
		for _, e := range cs.Events()[start:] {
			if e.Ev == "call" && e.Method == "Heartbeat" {
				n++
			}
		}
		if n < 3 {
			return fmt.Sprintf("%d heartbeats", n)
		}
		return ""
	})
	noFailures(t, cs)
}

// TestTriggeredBootNotificationReason (F06): a BootNotification the CSMS
// triggers while Pending has reason Triggered.
func TestTriggeredBootNotificationReason(t *testing.T) {
	cs := startStrict(t)
	if err := cs.Set(ctxT(t), strictcsms.Settings{BootStatus: "Pending", Interval: 300}); err != nil {
		t.Fatal(err)
	}
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-TRIG", 1))
	waitCall(t, cs, "GW-TRIG", "BootNotification", has(`"reason":"PowerUp"`))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionFalse, ReasonPending)
	if err := cs.Set(ctxT(t), strictcsms.Settings{BootStatus: "Accepted"}); err != nil {
		t.Fatal(err)
	}
	res, err := cs.Call(ctxT(t), "GW-TRIG", "TriggerMessage", map[string]any{"requestedMessage": "BootNotification"})
	if err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("TriggerMessage BootNotification while Pending: %s %v", res, err)
	}
	waitCall(t, cs, "GW-TRIG", "BootNotification", has(`"reason":"Triggered"`))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	noFailures(t, cs)
}

// TestHeartbeatIntervalChangeTakesEffect: a HeartbeatInterval the CSMS
// lowers applies from the last heartbeat, not after the old interval.
func TestHeartbeatIntervalChangeTakesEffect(t *testing.T) {
	cs := startStrict(t)
	if err := cs.Set(ctxT(t), strictcsms.Settings{Interval: 3600}); err != nil {
		t.Fatal(err)
	}
	f := stationFixture(t, cs.URL, csmsSpec())
	f.Create(Kind, "ch1", charger("GW-HB2", 1))
	f.WaitCondition(Kind, "ch1", ConditionRegistered, v1alpha1.ConditionTrue, ReasonAccepted)
	res, err := cs.Call(ctxT(t), "GW-HB2", "SetVariables", map[string]any{"setVariableData": []map[string]any{
		{"component": map[string]any{"name": "OCPPCommCtrlr"}, "variable": map[string]any{"name": "HeartbeatInterval"}, "attributeValue": "1"}}})
	if err != nil || !strings.Contains(string(res), "Accepted") {
		t.Fatalf("SetVariables HeartbeatInterval: %s %v", res, err)
	}
	fixture.Eventually(t, "two heartbeats at the new interval", func() string {
		n := 0
		for _, e := range cs.Events() {
			if e.Ev == "call" && e.Identity == "GW-HB2" && e.Method == "Heartbeat" {
				n++
			}
		}
		if n < 2 {
			return fmt.Sprintf("%d heartbeats", n)
		}
		return ""
	})
	noFailures(t, cs)
}
