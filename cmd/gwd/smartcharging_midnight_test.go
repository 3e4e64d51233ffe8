package main

// A daily recurring profile across midnight UTC by the station's clock,
// which the station takes from its CSMS.

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

// scBeforeMidnight is how long before a midnight UTC the flow puts the
// station's clock: room for the set-up, little waiting.
const scBeforeMidnight = 45 * time.Second

// setCSMSClock shifts the clock f's CSMS answers BootNotification and
// Heartbeat with by d; the CSMS must be the flow's own.
func (f *flowEnv) setCSMSClock(t *testing.T, d time.Duration) {
	t.Helper()
	switch p := f.peer.(type) {
	case *strictPeer:
		ms := d.Milliseconds()
		if err := p.cs.Set(context.Background(), strictcsms.Settings{ClockOffsetMs: &ms}); err != nil {
			t.Fatal(err)
		}
	case *goPeer:
		p.cs.SetClockOffset(d)
	default:
		t.Fatalf("no clock to set on %T", f.peer)
	}
}

// scMidnight (K01 Recurring, TC_K_19; the station's clock from its CSMS,
// TC_F_20 to take it): during a session the CSMS's clock is put
// scBeforeMidnight before a midnight UTC and the station is made to send
// a Heartbeat, whose answer sets its clock. A Daily Recurring
// TxDefaultProfile that began at a midnight UTC two days before is 14 A
// from noon and 10 A from midnight. GetCompositeSchedule runs on the
// station's clock, hours from the wall clock, with the change at
// midnight; the charger goes to 14 A, then to 10 A past midnight.
func scMidnight(t *testing.T, f *flowEnv) {
	f.flowCharging(t, "SC-MIDNIGHT", 10)
	tx := f.transactionID(t)
	now := time.Now()
	midnight := now.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	f.setCSMSClock(t, midnight.Add(-scBeforeMidnight).Sub(now))
	all := func(json.RawMessage) bool { return true }
	heartbeats := len(f.payloads("Heartbeat", all))
	if a := scAnswerOf(t, f.call(t, "TriggerMessage", map[string]any{"requestedMessage": "Heartbeat"})); a.Status != "Accepted" {
		t.Fatalf("TriggerMessage Heartbeat: %+v", a)
	}
	fixture.Within(t, 30*time.Second, "the triggered Heartbeat", func() string {
		if n := len(f.payloads("Heartbeat", all)); n <= heartbeats {
			return fmt.Sprintf("%d Heartbeats", n)
		}
		return ""
	})
	f.setAccepted(t, 0, newProfile(1001, 0, "TxDefaultProfile", "Recurring", midnight.Add(-48*time.Hour),
		scPeriod{0, 10}, scPeriod{12 * 3600, 14}).with("recurrencyKind", "Daily"))
	a := f.composite(t, 1, 300, "A")
	s := a.Schedule
	if a.Status != "Accepted" || s == nil || s.ScheduleStart.Before(midnight.Add(-scBeforeMidnight-time.Second)) {
		t.Fatalf("GetCompositeSchedule: %+v, schedule %+v; want it to start on the station's clock, %v before %v", a, s, scBeforeMidnight, midnight)
	}
	want := []scOffsetPeriod{{0, 10}}
	if s.ScheduleStart.Before(midnight) {
		want = []scOffsetPeriod{{0, 14}, {midnight.Sub(s.ScheduleStart).Seconds(), 10}}
	}
	if len(s.Periods) != len(want) {
		t.Fatalf("composite from %v: %+v, want %+v", s.ScheduleStart, s.Periods, want)
	}
	for i, w := range want {
		if p := s.Periods[i]; !near(float64(p.StartPeriod), w.start, 1) || p.Limit != w.limit {
			t.Errorf("composite from %v, period %d: %+v, want %+v", s.ScheduleStart, i, p, w)
		}
	}
	f.waitLimit(t, 14)
	f.waitLimitWithin(t, 10, scBeforeMidnight+30*time.Second)
	f.unplugAndEnd(t)
	f.oneTransaction(t, tx)
}
