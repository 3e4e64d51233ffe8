package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
	"github.com/ocppgw/ocppgw/internal/testutil"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// ocaSchemaDir is the official OCA schema directory beside the repository
// (../shared/ocpp201/schemas, DESIGN §9): absent on a user's clone, where
// the test skips, and always present under CI, where its absence fails.
func ocaSchemaDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../../shared/ocpp201/schemas")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "BootNotificationResponse.json"))
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set: the OCA schemas are missing: %v", err)
		}
		t.Skipf("skipping: the OCA schemas (../shared/ocpp201/schemas beside the repository) are missing: %v", err)
	}
	return dir
}

// ocaValid checks a payload against the OCA schema <name>.json.
func ocaValid(t *testing.T, dir, name string, payload []byte) {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	s, err := c.Compile(filepath.Join(dir, name+".json"))
	if err != nil {
		t.Fatalf("compile OCA %s: %v", name, err)
	}
	var doc any
	if err := json.Unmarshal(payload, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("%s %s violates the OCA schema: %v", name, payload, err)
	}
}

// startCSMS runs `gwsim csms` in-process on free loopback ports and returns
// its OCPP-J base URL, its control address and its output; extra are more
// flags.
func startCSMS(t *testing.T, extra ...string) (string, string, *testutil.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- run(ctx, append([]string{"csms", "--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", "--interval", "30"}, extra...), pw, pw)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("gwsim csms exited %d", code)
		}
	})
	sc := bufio.NewScanner(pr)
	var url, control string
	for (url == "" || control == "") && sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "csms: "); ok {
			url = strings.TrimSuffix(u, "/<stationId>")
		}
		if c, ok := strings.CutPrefix(sc.Text(), "csms control: "); ok {
			control = c
		}
	}
	if url == "" || control == "" {
		t.Fatalf("gwsim csms printed no addresses")
	}
	log := &testutil.Buffer{}
	go io.Copy(log, pr)
	return url, control, log
}

func TestCSMSAnswersStation(t *testing.T) {
	oca := ocaSchemaDir(t)
	url, control, log := startCSMS(t)
	received := make(chan ocpp.RequestStartTransactionRequest, 1)
	station, _, err := rpc.Dial(context.Background(), rpc.DialOptions{URL: url, StationID: "ST-1", Options: rpc.Options{
		Handler: func(_ context.Context, action string, payload json.RawMessage) (any, error) {
			ocaValid(t, oca, action+"Request", payload)
			if action != "RequestStartTransaction" {
				return nil, rpc.Errorf(rpc.NotSupported, "%s is not supported", action)
			}
			var req ocpp.RequestStartTransactionRequest
			if err := json.Unmarshal(payload, &req); err != nil {
				return nil, err
			}
			received <- req
			return json.RawMessage(`{"status":"Accepted","transactionId":"tx-9"}`), nil
		}}})
	if err != nil {
		t.Fatal(err)
	}
	defer station.Close()

	now := time.Now().UTC().Format(time.RFC3339)
	answers := map[string]json.RawMessage{}
	for _, m := range []struct{ action, payload string }{
		{"BootNotification", `{"reason":"PowerUp","chargingStation":{"model":"Terra AC","vendorName":"ABB"}}`},
		{"Heartbeat", `{}`},
		{"StatusNotification", `{"timestamp":"` + now + `","connectorStatus":"Occupied","evseId":1,"connectorId":1}`},
		{"Authorize", `{"idToken":{"idToken":"CARD-1","type":"ISO14443"}}`},
		{"TransactionEvent", `{"eventType":"Started","timestamp":"` + now + `","triggerReason":"Authorized","seqNo":0,` +
			`"transactionInfo":{"transactionId":"tx-1"},"idToken":{"idToken":"CARD-1","type":"ISO14443"},"evse":{"id":1,"connectorId":1}}`},
		{"MeterValues", `{"evseId":1,"meterValue":[{"timestamp":"` + now + `","sampledValue":[{"value":7200}]}]}`},
		{"NotifyReport", `{"requestId":1,"generatedAt":"` + now + `","seqNo":0}`},
		{"SecurityEventNotification", `{"type":"StartupOfTheDevice","timestamp":"` + now + `"}`},
		{"DataTransfer", `{"vendorId":"com.example"}`},
	} {
		res, err := station.Call(context.Background(), m.action, json.RawMessage(m.payload))
		if err != nil {
			t.Fatalf("%s: %v", m.action, err)
		}
		ocaValid(t, oca, m.action+"Response", res)
		answers[m.action] = res
	}
	var boot ocpp.BootNotificationResponse
	json.Unmarshal(answers["BootNotification"], &boot)
	if boot.Status != ocpp.RegistrationStatusAccepted || boot.Interval != 30 {
		t.Errorf("BootNotification answer %s: want Accepted with interval 30", answers["BootNotification"])
	}
	for _, a := range []string{"Authorize", "TransactionEvent"} {
		if !strings.Contains(string(answers[a]), `"idTokenInfo":{"status":"Accepted"}`) {
			t.Errorf("%s answer %s: want idTokenInfo Accepted", a, answers[a])
		}
	}

	// Without an idToken there is nothing to authorize.
	res, err := station.Call(context.Background(), "TransactionEvent", json.RawMessage(`{"eventType":"Updated","timestamp":"`+now+
		`","triggerReason":"MeterValuePeriodic","seqNo":1,"transactionInfo":{"transactionId":"tx-1"}}`))
	if err != nil || strings.Contains(string(res), "idTokenInfo") {
		t.Errorf("TransactionEvent without idToken: %s %v", res, err)
	}
	// A CALL that breaks the schema gets a CALLERROR, not an answer.
	if _, err := station.Call(context.Background(), "BootNotification", json.RawMessage(`{"reason":"PowerUp"}`)); err == nil {
		t.Error("a BootNotification without chargingStation was answered")
	}

	out, code := ctlCSMS(control, "start", "ST-1", "--evse", "1", "--token", "CARD-9")
	if code != 0 || !strings.Contains(out, `ST-1 answered RequestStartTransaction: {"status":"Accepted","transactionId":"tx-9"}`) {
		t.Errorf("ctl start: %d %s", code, out)
	}
	select {
	case req := <-received:
		if req.IDToken.IDToken != "CARD-9" || req.IDToken.Type != ocpp.IdTokenCentral || req.EVSEID == nil || *req.EVSEID != 1 {
			t.Errorf("the station got %+v", req)
		}
	default:
		t.Error("ctl start printed an answer but the station got no RequestStartTransaction")
	}
	out, code = ctlCSMS(control, "stop", "ST-1", "tx-9")
	if code != 0 || !strings.Contains(out, "ST-1 answered RequestStopTransaction with CALLERROR NotSupported: RequestStopTransaction is not supported") {
		t.Errorf("ctl stop: %d %s", code, out)
	}
	if out, code = ctlCSMS(control, "start", "NOPE"); code == 0 || !strings.Contains(out, `station "NOPE" is not connected`) {
		t.Errorf("ctl start for an absent station: %d %s", code, out)
	}
	if out, code = ctlCSMS(control, "stations"); code != 0 || strings.TrimSpace(out) != "ST-1" {
		t.Errorf("ctl stations: %d %s", code, out)
	}

	for _, want := range []string{
		`ST-1 <- CALL BootNotification {"reason":"PowerUp",`,
		`ST-1 -> RESULT BootNotification {"currentTime":`,
		`ST-1 <- CALL TransactionEvent Started seqNo=0 trigger=Authorized tx=tx-1 evse=1 idToken=CARD-1(ISO14443)`,
		`ST-1 -> RESULT TransactionEvent {"idTokenInfo":{"status":"Accepted"}}`,
		`ST-1 -> CALL RequestStartTransaction {"evseId":1,"idToken":{"idToken":"CARD-9","type":"Central"},"remoteStartId":1}`,
		`ST-1 <- ERROR RequestStopTransaction NotSupported "RequestStopTransaction is not supported"`,
	} {
		if !poll(5*time.Second, func() bool { return strings.Contains(log.String(), want) }) {
			t.Errorf("the frame log lacks %q:\n%s", want, log)
		}
	}
}

// TestCSMSAnswersUnknownAction: an action OCPP 2.0.1 does not define is
// NotImplemented, as Part 4 says.
func TestCSMSAnswersUnknownAction(t *testing.T) {
	url, _, _ := startCSMS(t)
	station, _, err := rpc.Dial(context.Background(), rpc.DialOptions{URL: url, StationID: "ST-2"})
	if err != nil {
		t.Fatal(err)
	}
	defer station.Close()
	_, err = station.Call(context.Background(), "FlyToTheMoon", json.RawMessage(`{}`))
	if e, ok := err.(*rpc.Error); !ok || e.Code != rpc.NotImplemented {
		t.Fatalf("got %v, want a NotImplemented CALLERROR", err)
	}
}

func ctlCSMS(control string, args ...string) (string, int) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"ctl", "--csms", control}, args...), &out, &errOut)
	return out.String() + errOut.String(), code
}
