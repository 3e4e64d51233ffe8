package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// TestLogFileAndLevelsAtRunTime: with --log-file gwd writes its log there,
// not to stderr; `gwctl log-level` lists and changes the levels of the
// running gwd, and what gwctl applies is logged at info.
func TestLogFileAndLevelsAtRunTime(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "log", "gwd.log")
	if err := os.MkdirAll(filepath.Dir(logFile), 0o700); err != nil {
		t.Fatal(err)
	}
	d := startGwd(t, dir, "--log-file", logFile, "--log-level", "info,store=warn")
	defer d.stop(t)

	out, errOut, code := d.gwctl(t, nil, "log-level")
	if code != 0 || !strings.Contains(out, "default") || !strings.Contains(out, "store") || !strings.Contains(out, "warn") {
		t.Fatalf("gwctl log-level: %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = d.gwctl(t, nil, "log-level", "ocpp", "trace")
	if code != 0 || !strings.Contains(out, "ocpp") || !strings.Contains(out, "trace") {
		t.Fatalf("gwctl log-level ocpp trace: %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code = d.gwctl(t, nil, "log-level", "ocpp", "loud"); code == 0 || !strings.Contains(errOut, "loud") {
		t.Errorf("a bad level was not refused by name: %d %s", code, errOut)
	}
	bus := strings.NewReader("apiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: logged-bus}\nspec: {device: /dev/ttyUSB0}\n")
	if _, errOut, code = d.gwctl(t, bus, "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: %s", errOut)
	}
	fixture.Within(t, 30*time.Second, "the log file to show the start, the level change and the apply", func() string {
		b, _ := os.ReadFile(logFile)
		for _, want := range []string{"gwd started", "log level changed", "msg=created", "name=logged-bus"} {
			if !strings.Contains(string(b), want) {
				return "no " + want + " in:\n" + string(b)
			}
		}
		return ""
	})
	out, errOut, code = d.gwctl(t, nil, "audit")
	if code != 0 || !strings.Contains(out, "created bus/logged-bus@") || !strings.Contains(out, "initial-admin") ||
		!strings.Contains(out, "loglevels") {
		t.Errorf("gwctl audit does not show the apply and the level change by initial-admin: %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "audit.log")); err != nil {
		t.Errorf("no audit.log in the data directory: %v", err)
	}
	if strings.Contains(d.logs.String(), "gwd started") {
		t.Errorf("with --log-file, gwd still logs to stderr:\n%s", d.logs)
	}
}
