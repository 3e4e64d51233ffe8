package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/internal/logging"
	"github.com/ocppgw/ocppgw/internal/testutil"
	"github.com/ocppgw/ocppgw/store"
)

// TestLogLevelsAtRunTime: levels are listed, set per component and reset
// through the API, a bad level is a 422 naming it, and a change applies
// to loggers made before it.
func TestLogLevelsAtRunTime(t *testing.T) {
	var out testutil.Buffer
	lg, err := logging.New(logging.Options{Levels: "info", Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, store.Options{}, Options{LogLevels: lg.Levels, Logger: lg.With("component", "api")})
	charger := lg.With("controller", "charger")
	charger.Debug("poll detail 1")
	levels, err := e.c.SetLogLevel(ctx(t), "controllers/charger", "debug")
	if err != nil {
		t.Fatal(err)
	}
	if len(levels) != 2 || levels[1] != (logging.ComponentLevel{Component: "controllers/charger", Level: "debug"}) {
		t.Errorf("after set: %+v", levels)
	}
	charger.Debug("poll detail 2")
	if _, err := e.c.ResetLogLevel(ctx(t), "controllers/charger"); err != nil {
		t.Fatal(err)
	}
	charger.Debug("poll detail 3")
	got := out.String()
	if strings.Contains(got, "poll detail 1") || !strings.Contains(got, "poll detail 2") || strings.Contains(got, "poll detail 3") {
		t.Errorf("debug records not as the levels said:\n%s", got)
	}
	_, err = e.c.SetLogLevel(ctx(t), "store", "loud")
	var se *client.StatusError
	if !errors.As(err, &se) || se.Status.Code != http.StatusUnprocessableEntity || !strings.Contains(se.Status.Message, `"loud"`) {
		t.Errorf("a bad level: %v, want 422 naming it", err)
	}
	if levels, err = e.c.LogLevels(ctx(t)); err != nil || len(levels) != 1 {
		t.Errorf("list after reset: %+v %v", levels, err)
	}
}

// TestChangesAreLoggedAtInfo: objects created, configured, applied and
// deleted through the API are logged at info with kind, name and
// revision; a dry run and an unchanged apply are not.
func TestChangesAreLoggedAtInfo(t *testing.T) {
	var out testutil.Buffer
	lg, err := logging.New(logging.Options{Levels: "info", Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, store.Options{}, Options{Logger: lg.With("component", "api")})
	bus := "apiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: rs485}\nspec: {device: /dev/ttyUSB0}\n"
	if _, err := e.c.Apply(ctx(t), []byte(bus), client.ApplyOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "rs485") {
		t.Fatalf("a dry run was logged:\n%s", out.String())
	}
	for range 2 {
		if _, err := e.c.Apply(ctx(t), []byte(bus), client.ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.c.Delete(ctx(t), "Bus", "rs485"); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	created := fmt.Sprintf("msg=created component=api kind=Bus name=rs485 revision=%d", e.rev0+1)
	for _, want := range []string{created, "msg=deleted component=api kind=Bus name=rs485"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "name=rs485") != 2 {
		t.Errorf("want the create and the delete only (no dry run, no unchanged apply):\n%s", got)
	}
}
