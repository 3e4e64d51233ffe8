package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// TestCSMSRejectsTokens: the tokens of --reject-tokens and of ctl reject
// are answered Invalid, in Authorize and in TransactionEvent, until ctl
// accept; every answer is valid by the OCA schemas.
func TestCSMSRejectsTokens(t *testing.T) {
	oca := ocaSchemaDir(t)
	url, control, log := startCSMS(t, "--reject-tokens", "STOLEN-1")
	station := dialStation(t, url, "ST-3")
	status := func(action, token string) string {
		t.Helper()
		payload := `{"idToken":{"idToken":"` + token + `","type":"ISO14443"}}`
		if action == "TransactionEvent" {
			payload = `{"eventType":"Updated","timestamp":"` + time.Now().UTC().Format(time.RFC3339) + `","triggerReason":"Authorized",` +
				`"seqNo":1,"transactionInfo":{"transactionId":"tx-r"},"idToken":{"idToken":"` + token + `","type":"ISO14443"}}`
		}
		res, err := station.Call(context.Background(), action, json.RawMessage(payload))
		if err != nil {
			t.Fatalf("%s %s: %v", action, token, err)
		}
		ocaValid(t, oca, action+"Response", res)
		var a struct{ IDTokenInfo struct{ Status string } }
		json.Unmarshal(res, &a)
		return a.IDTokenInfo.Status
	}
	for _, action := range []string{"Authorize", "TransactionEvent"} {
		if got := status(action, "STOLEN-1"); got != "Invalid" {
			t.Errorf("%s STOLEN-1 (--reject-tokens): %s, want Invalid", action, got)
		}
		if got := status(action, "CARD-2"); got != "Accepted" {
			t.Errorf("%s CARD-2: %s, want Accepted", action, got)
		}
	}
	if out, code := ctlCSMS(control, "reject", "CARD-2"); code != 0 || !strings.Contains(out, "rejected tokens: CARD-2, STOLEN-1") {
		t.Fatalf("ctl reject: %d %s", code, out)
	}
	if got := status("Authorize", "CARD-2"); got != "Invalid" {
		t.Errorf("Authorize CARD-2 after ctl reject: %s", got)
	}
	if out, code := ctlCSMS(control, "accept", "STOLEN-1"); code != 0 || !strings.Contains(out, "rejected tokens: CARD-2\n") {
		t.Fatalf("ctl accept: %d %s", code, out)
	}
	if got := status("Authorize", "STOLEN-1"); got != "Accepted" {
		t.Errorf("Authorize STOLEN-1 after ctl accept: %s", got)
	}
	want := `ST-3 -> RESULT Authorize {"idTokenInfo":{"status":"Invalid"}}`
	if !poll(5*time.Second, func() bool { return strings.Contains(log.String(), want) }) {
		t.Errorf("the frame log lacks %q:\n%s", want, log)
	}
}

// TestCSMSListsTransactions: ctl transactions shows per transaction what
// arrived (started, ended, last seqNo, energy in Wh from any unit), and a
// seqNo that repeats or skips is counted and logged.
func TestCSMSListsTransactions(t *testing.T) {
	url, control, log := startCSMS(t)
	if out, code := ctlCSMS(control, "transactions"); code != 0 || !strings.Contains(out, "no TransactionEvent received yet") {
		t.Fatalf("ctl transactions before any: %d %s", code, out)
	}
	station := dialStation(t, url, "ST-4")
	now := time.Now().UTC().Format(time.RFC3339)
	energy := func(v, unit string) string {
		return `,"meterValue":[{"timestamp":"` + now + `","sampledValue":[{"value":` + v + `,"unitOfMeasure":{"unit":"` + unit + `"}},` +
			`{"value":7360,"measurand":"Power.Active.Import"}]}]`
	}
	long := "0f3c2a9e-7d41-4b8a-9c55-2e6f1a7b3d90"
	for _, ev := range []struct {
		typ, trigger string
		seq          int
		extra        string
	}{
		{"Started", "CablePluggedIn", 0, `,"evse":{"id":1,"connectorId":1}` + energy("1000", "Wh")},
		{"Updated", "ChargingStateChanged", 1, energy("1.5", "kWh")},
		{"Updated", "ChargingStateChanged", 1, ""}, // a repeat
		{"Updated", "MeterValuePeriodic", 3, energy("2500", "Wh")},
		{"Ended", "EVCommunicationLost", 4, ""},
	} {
		info := `{"transactionId":"` + long + `","chargingState":"Charging"}`
		if ev.typ == "Ended" {
			info = `{"transactionId":"` + long + `","chargingState":"Idle","stoppedReason":"EVDisconnected"}`
		}
		payload := fmt.Sprintf(`{"eventType":%q,"timestamp":%q,"triggerReason":%q,"seqNo":%d,"transactionInfo":%s%s}`,
			ev.typ, now, ev.trigger, ev.seq, info, ev.extra)
		if _, err := station.Call(context.Background(), "TransactionEvent", json.RawMessage(payload)); err != nil {
			t.Fatalf("%s seqNo %d: %v", ev.typ, ev.seq, err)
		}
	}
	out, code := ctlCSMS(control, "transactions")
	row := regexp.MustCompile(`(?m)^ST-4\s+` + long + `\s+1\s+ended\s+5\s+4\s+Idle\s+2500 Wh\s+-\s+EVDisconnected\s+1 repeated, 1 gaps$`)
	if code != 0 || !row.MatchString(out) {
		t.Errorf("ctl transactions: %d\n%s", code, out)
	}
	for _, want := range []string{
		`ST-4 <- CALL TransactionEvent Started seqNo=0 trigger=CablePluggedIn state=Charging energy=1000Wh power=7360W tx=0f3c2a9e… evse=1`,
		`ST-4 <- CALL TransactionEvent Updated seqNo=1 trigger=ChargingStateChanged state=Charging energy=1500Wh power=7360W tx=0f3c2a9e…`,
		`ST-4 -- TransactionEvent 0f3c2a9e…: seqNo 1 repeats (last 1)`,
		`ST-4 -- TransactionEvent 0f3c2a9e…: seqNo 3 after 1: 1 missing`,
		`ST-4 <- CALL TransactionEvent Ended seqNo=4 trigger=EVCommunicationLost state=Idle stoppedReason=EVDisconnected tx=0f3c2a9e…`,
	} {
		if !poll(5*time.Second, func() bool { return strings.Contains(log.String(), want) }) {
			t.Errorf("the frame log lacks %q:\n%s", want, log)
		}
	}
}

func dialStation(t *testing.T, url, id string) *rpc.Conn {
	t.Helper()
	station, _, err := rpc.Dial(context.Background(), rpc.DialOptions{URL: url, StationID: id})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { station.Close() })
	return station
}
