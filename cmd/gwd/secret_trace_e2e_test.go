package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/drivers/ocpp/gocsms"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestNoSecretValueInLogsOrAnswers: a station connects with the Basic-auth
// password of a Secret, and the CSMS then sets a new one with
// SetVariables, while gwd logs at debug with every station's OCPP frames
// traced. Neither password appears in gwd's log, in any API answer gwctl
// prints, in the audit log, or in state.db; the card's idToken, which the
// Charger declares and sessions keep as data, is not in the log either.
// The trace did log the frames, so the test looked where they would be.
func TestNoSecretValueInLogsOrAnswers(t *testing.T) {
	const first, second, card = "pw-first-8c1f2e77a9", "pw-second-5be04d3391", "CARD-9f3a61c2"
	cs := gocsms.New(t, gocsms.Options{BasicAuth: true, Password: first})
	g, err := runGwsim(t, "keba-p30:1", fmt.Sprintf("127.0.0.1:%d", testutil.FreeUDPPort(t)), 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	d := startGwd(t, t.TempDir(), "--log-level", "debug,ocpp=trace")
	docs := []string{exampleTemplates(t), strings.Replace(secretDoc("csms-pw"), "password: x", "password: "+first, 1),
		fmt.Sprintf(`apiVersion: ocppgw.dev/v1alpha1
kind: CSMS
metadata: {name: csms}
spec:
  url: %s
  securityProfile: 1
  basicAuthPasswordSecretRef: {name: csms-pw}
  retryBackOff: {waitMinimum: 1s, randomRange: 1s, repeatTimes: 1}
`, cs.URL),
		kebaChargerDoc(t, "keba-1", g.devices[0], "500ms", `    csmsRef: csms
    stationId: SECRET-1
    authorization:
      mode: AutoStart
      idToken: {idToken: `+card+`, type: Central}
`)}
	if out, errOut, code := d.gwctl(t, strings.NewReader(strings.Join(docs, "\n---\n")), "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	fixture.Within(t, time.Minute, "the station to boot with the first password", func() string {
		if len(cs.Messages("SECRET-1", "BootNotification")) == 0 {
			return "no BootNotification yet"
		}
		return ""
	})
	g.ctl(t, "plug", g.devices[0].name) // a session: the card's idToken goes to the CSMS
	fixture.Within(t, time.Minute, "a TransactionEvent with the card", func() string {
		if len(cs.Messages("SECRET-1", "TransactionEvent")) == 0 {
			return "no TransactionEvent yet"
		}
		return ""
	})

	cs.SetPassword(second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := cs.SetVariables(ctx, "SECRET-1", provisioning.SetVariableData{AttributeValue: second,
		Component: types.Component{Name: "SecurityCtrlr"}, Variable: types.Variable{Name: "BasicAuthPassword"}})
	if err != nil || res.SetVariableResult[0].AttributeStatus != provisioning.SetVariableStatusAccepted {
		t.Fatalf("SetVariables BasicAuthPassword: %+v %v", res, err)
	}
	fixture.Within(t, time.Minute, "the station to come back with the new password", func() string {
		for _, c := range cs.Connections() {
			if c.Station == "SECRET-1" && c.Connected && c.Password == second {
				return ""
			}
		}
		return "not reconnected with it"
	})

	logs := d.logs.String()
	if !strings.Contains(logs, "ocpp frame") || !strings.Contains(logs, "SetVariables") || !strings.Contains(logs, "BasicAuthPassword") {
		t.Fatal("the frame trace logged no SetVariables: the test would prove nothing")
	}
	places := map[string]string{"gwd's log": logs}
	for _, args := range [][]string{
		{"get", "secrets", "-o", "yaml"}, {"get", "csms", "-o", "yaml"}, {"get", "chargers", "-o", "yaml"},
		{"describe", "charger", "keba-1"}, {"describe", "csms", "csms"}, {"get", "transactions", "-o", "yaml"},
		{"audit", "--limit", "1000"},
	} {
		out, errOut, code := d.gwctl(t, nil, args...)
		if code != 0 {
			t.Fatalf("gwctl %v: %s", args, errOut)
		}
		places["gwctl "+strings.Join(args, " ")] = out
	}
	d.stop(t)
	for _, f := range []string{storeFile, "audit.log"} {
		b, err := os.ReadFile(filepath.Join(d.dataDir, f))
		if err != nil {
			t.Fatal(err)
		}
		places[f] = string(b)
	}
	for where, text := range places {
		for _, secret := range []string{first, second} {
			if strings.Contains(text, secret) {
				t.Errorf("the password %q appears in %s", secret, where)
			}
		}
	}
	if strings.Contains(logs, card) {
		t.Errorf("the idToken %q appears in gwd's log", card)
	}
}
