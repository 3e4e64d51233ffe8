package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// TestDeviceEndpoints: each device endpoint answers 404 without a device
// controller and for an unknown charger, 400 for a body it cannot read,
// 422 for the request's fault and 503 when the device could not be read.
func TestDeviceEndpoints(t *testing.T) {
	none := newEnv(t, store.Options{}, Options{})
	for _, p := range []string{"/chargers/ch-1/command", "/mappingtest", "/discover/modbus"} {
		if code, st, _ := none.raw(http.MethodPost, prefix+p, "application/json", "{}"); code != 404 || !strings.Contains(st.Message, "no device controller") {
			t.Errorf("POST %s without devices: %d %+v", p, code, st)
		}
	}

	var ran []v1alpha1.ChargerCommand
	e := newEnv(t, store.Options{}, Options{
		Command: func(_ context.Context, ch string, c v1alpha1.ChargerCommand) v1alpha1.ChargerCommandResult {
			ran = append(ran, c)
			return v1alpha1.ChargerCommandResult{Charger: ch, Command: c.Command, Result: v1alpha1.CommandRejected, Message: "exception 0x02"}
		},
		TryTemplate: func(_ context.Context, req v1alpha1.MappingTestRequest) (any, error) {
			if req.Template == "nope" {
				return nil, fmt.Errorf("%w: template %q not found", ErrInvalidInput, req.Template)
			}
			return nil, errors.New("read: no response")
		},
		Discover: func(_ context.Context, protocol string, body []byte) (any, error) {
			return map[string]string{"protocol": protocol, "body": string(body)}, nil
		},
	})
	e.createBase()
	e.create(chargerYAML)
	cases := []struct {
		path, body string
		code       int
		want       string
	}{
		{"/chargers/nope/command", `{"command":"stop"}`, 404, `chargers \"nope\" not found`},
		{"/chargers/ch-1/command", `{"command":"explode"}`, 422, `command \"explode\" is not one of`},
		{"/chargers/ch-1/command", `{"command":"stop","volume":11}`, 400, "unknown field"},
		{"/chargers/ch-1/command", `{"command":"setCurrentLimit","limitA":10}`, 200, `"result":"Rejected"`},
		{"/mappingtest", `{"template":"nope"}`, 422, `template \"nope\" not found`},
		{"/mappingtest", `{"template":"tpl"}`, 503, "no response"},
		{"/discover/echonet", `{"window":"1s"}`, 200, `"protocol":"echonet"`},
	}
	for _, c := range cases {
		code, _, body := e.raw(http.MethodPost, prefix+c.path, "application/json", c.body)
		if code != c.code || !strings.Contains(string(body), c.want) {
			t.Errorf("POST %s %s: %d %s, want %d with %s", c.path, c.body, code, body, c.code, c.want)
		}
	}
	if len(ran) != 1 || ran[0].ConnectorID != 1 || ran[0].LimitA != 10 {
		t.Fatalf("commands run: %+v (connector defaults to 1)", ran)
	}
}
