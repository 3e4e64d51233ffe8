package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/logging"
	"github.com/ocppgw/ocppgw/store"
)

// authSpecs are valid specs of every kind, against the objects createBase
// and chargerYAML store.
var authSpecs = map[string]string{
	"CSMS":     `{"url":"ws://csms.example:9000/ocpp","basicAuthPasswordSecretRef":{"name":"pw"}}`,
	"Bus":      `{"device":"/dev/ttyUSB0"}`,
	"Secret":   `{"type":"basic-auth","data":{"password":"hunter2"}}`,
	"Template": `{"protocol":"modbus"}`,
	"Charger":  `{"templateRef":"tpl","connection":{"modbusTCP":{"host":"10.0.0.5"}},"ocpp":{"csmsRef":"csms1"}}`,
	"ChargingProfile": `{"chargerRef":"ch-1","source":"csms","evseId":0,"id":1,"stackLevel":0,"chargingProfilePurpose":"ChargingStationMaxProfile",
		"chargingProfileKind":"Relative","chargingSchedule":[{"id":1,"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":32}]}]}`,
	"Transaction": `{"chargerRef":"ch-1","evseId":1,"transactionId":"%s","startedAt":"2025-01-01T00:00:00Z"}`,
	"Token":       `{"role":"viewer","hash":"sha256:` + strings.Repeat("0", 64) + `"}`,
}

// mayWrite is what issue 12 lets each role write: an operator the device
// side, an admin everything.
func mayWrite(role, kind string) bool {
	return role == v1alpha1.RoleAdmin ||
		role == v1alpha1.RoleOperator && (kind == "Charger" || kind == "Template" || kind == "Bus" || kind == "ChargingProfile")
}

func deviceOptions(t *testing.T) Options {
	lg, err := logging.New(logging.Options{Levels: "info", Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	return Options{
		LogLevels:   lg.Levels,
		MappingTest: func(context.Context, string) (any, error) { return map[string]string{"read": "ok"}, nil },
		Command: func(_ context.Context, ch string, c v1alpha1.ChargerCommand) v1alpha1.ChargerCommandResult {
			return v1alpha1.ChargerCommandResult{Charger: ch, Command: c.Command, Result: v1alpha1.CommandDone}
		},
		TryTemplate: func(context.Context, v1alpha1.MappingTestRequest) (any, error) {
			return map[string]string{"read": "ok"}, nil
		},
		Discover: func(context.Context, string, []byte) (any, error) { return []string{}, nil },
	}
}

// checkAnswer fails unless an allowed request got want and a refused one a
// 403 Status that names the verb, the kind and the role.
func checkAnswer(t *testing.T, what, role string, verb auth.Verb, kind string, allowed bool, want, code int, st v1alpha1.APIStatus) {
	t.Helper()
	switch {
	case allowed && code != want:
		t.Errorf("%s as %s: %d %s, want %d", what, role, code, st.Message, want)
	case !allowed && (code != http.StatusForbidden || st.Reason != v1alpha1.ReasonForbidden || st.Kind != "Status"):
		t.Errorf("%s as %s: %d %+v, want 403 Forbidden", what, role, code, st)
	case !allowed:
		for _, w := range []string{string(verb), kind, `"` + role + `"`} {
			if !strings.Contains(st.Message, w) {
				t.Errorf("%s as %s: the 403 message %q does not name %q", what, role, st.Message, w)
			}
		}
	}
}

// TestEveryVerbKindRoleOverHTTP makes every request of every verb on every
// kind with a real token of each role and checks the answer: the request's
// own success code when the role allows it, else 403.
func TestEveryVerbKindRoleOverHTTP(t *testing.T) {
	e := newEnv(t, store.Options{}, deviceOptions(t))
	e.createBase()
	e.create(chargerYAML)
	for _, role := range v1alpha1.TokenRoles {
		tok := e.token("t-"+role, role, time.Time{})
		for _, k := range v1alpha1.Kinds() {
			name := role + "-" + strings.ToLower(k.Kind)
			spec := authSpecs[k.Kind]
			if k.Kind == "Transaction" {
				spec = fmt.Sprintf(spec, name)
			}
			body := fmt.Sprintf(`{"apiVersion":%q,"kind":%q,"metadata":{"name":%q},"spec":%s}`, v1alpha1.APIVersion, k.Kind, name, spec)
			coll, item := prefix+"/"+k.Plural, prefix+"/"+k.Plural+"/"+name
			w := mayWrite(role, k.Kind)

			code, st, _ := e.rawAs(tok, "POST", coll, "application/json", body)
			checkAnswer(t, "create "+k.Kind, role, auth.Create, k.Kind, w, http.StatusCreated, code, st)
			if !w { // the object the next requests act on
				if code, st, _ := e.raw("POST", coll, "application/json", body); code != http.StatusCreated {
					t.Fatalf("create %s as the test's admin: %d %s", k.Kind, code, st.Message)
				}
			}
			code, st, _ = e.rawAs(tok, "GET", item, "", "")
			checkAnswer(t, "get "+k.Kind, role, auth.Get, k.Kind, true, http.StatusOK, code, st)
			code, st, _ = e.rawAs(tok, "GET", coll, "", "")
			checkAnswer(t, "list "+k.Kind, role, auth.List, k.Kind, true, http.StatusOK, code, st)
			wt, err := e.client(tok).Watch(ctx(t), k.Kind, client.WatchOptions{})
			if err != nil {
				t.Errorf("watch %s as %s: %v", k.Kind, role, err)
			} else {
				wt.Stop()
			}
			code, st, _ = e.rawAs(tok, "PUT", item, "application/json", body)
			checkAnswer(t, "update "+k.Kind, role, auth.Update, k.Kind, w, http.StatusOK, code, st)
			code, st, _ = e.rawAs(tok, "PUT", item+"/status", "application/json", body)
			checkAnswer(t, "update status of "+k.Kind, role, auth.Update, k.Kind+"/status", role == v1alpha1.RoleAdmin, http.StatusOK, code, st)
			code, st, _ = e.rawAs(tok, "DELETE", item, "", "")
			checkAnswer(t, "delete "+k.Kind, role, auth.Delete, k.Kind, w, http.StatusOK, code, st)
		}
		device := role != v1alpha1.RoleViewer
		code, st, _ := e.rawAs(tok, "POST", prefix+"/chargers/ch-1/command", "application/json", `{"command":"stop"}`)
		checkAnswer(t, "a device command", role, auth.Create, "Charger/command", device, http.StatusOK, code, st)
		code, st, _ = e.rawAs(tok, "GET", prefix+"/chargers/ch-1/mappingtest", "", "")
		checkAnswer(t, "a mapping test", role, auth.Get, "Charger/mappingtest", device, http.StatusOK, code, st)
		code, st, _ = e.rawAs(tok, "POST", prefix+"/mappingtest", "application/json", `{}`)
		checkAnswer(t, "a template test", role, auth.Create, "mappingtest", device, http.StatusOK, code, st)
		code, st, _ = e.rawAs(tok, "POST", prefix+"/discover/modbus", "application/json", `{}`)
		checkAnswer(t, "a discovery", role, auth.Create, "discover", device, http.StatusOK, code, st)
		for _, p := range []string{"/version", prefix, prefix + "/", "/debug/loglevels"} {
			code, st, _ = e.rawAs(tok, "GET", p, "", "")
			checkAnswer(t, "GET "+p, role, auth.Get, "", true, http.StatusOK, code, st)
		}
		admin := role == v1alpha1.RoleAdmin
		code, st, _ = e.rawAs(tok, "GET", prefix+"/backup", "", "")
		checkAnswer(t, "a backup", role, auth.Get, "backup", admin, http.StatusOK, code, st)
		code, st, _ = e.rawAs(tok, "PUT", "/debug/loglevels/drivers/modbus", "application/json", `{"level":"debug"}`)
		checkAnswer(t, "a log level change", role, auth.Update, "loglevels", admin, http.StatusOK, code, st)
		code, st, _ = e.rawAs(tok, "DELETE", "/debug/loglevels/drivers/modbus", "", "")
		checkAnswer(t, "a log level reset", role, auth.Delete, "loglevels", admin, http.StatusOK, code, st)
	}
}
