package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

func settingsFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gwd.yaml")
	writeFile(t, path, body)
	return path
}

// Flags win over OCPPGW_* variables, variables over the file, the file over
// the defaults; the file is named by --config or $OCPPGW_CONFIG.
func TestSettingsPrecedence(t *testing.T) {
	file := settingsFile(t, "log-level: warn\nlog-format: json\nevent-log-max: 5000\nstore-quota: 1GiB\ninit: true\ntransaction-retention: 2h\n")
	t.Setenv("OCPPGW_LOG_FORMAT", "text")
	t.Setenv("OCPPGW_EVENT_LOG_MAX", "6000")
	o, err := parseFlags([]string{"--config", file, "--event-log-max", "7000"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	want := options{logLevel: "warn", logFormat: "text", eventMax: 7000, storeQuota: 1 << 30, init: true}
	if o.logLevel != want.logLevel || o.logFormat != want.logFormat || o.eventMax != want.eventMax ||
		o.storeQuota != want.storeQuota || !o.init || o.history.Retention != 2*time.Hour {
		t.Errorf("got %+v", o)
	}
	if o.apiListen != "127.0.0.1:8443" || o.eventAge != time.Hour {
		t.Errorf("defaults lost: api-listen %q, event-log-age %v", o.apiListen, o.eventAge)
	}

	t.Setenv("OCPPGW_CONFIG", file)
	t.Setenv("OCPPGW_LOG_FORMAT", "")
	os.Unsetenv("OCPPGW_LOG_FORMAT")
	if o, err = parseFlags(nil, os.Stderr); err != nil || o.logFormat != "json" || o.eventMax != 6000 {
		t.Errorf("$OCPPGW_CONFIG: %+v, %v", o, err)
	}
}

// A bad file, key or value is refused with the file, key or variable named.
func TestSettingsErrorsNameTheirSource(t *testing.T) {
	for _, c := range []struct {
		body, env, want string
	}{
		{"log-levle: debug\n", "", `gwd.yaml: unknown key "log-levle"`},
		{"config: other.yaml\n", "", `gwd.yaml: unknown key "config"`},
		{"event-log-max: many\n", "", `gwd.yaml: event-log-max "many"`},
		{"store-quota: [1, 2]\n", "", "gwd.yaml: store-quota: want a single value"},
		{"- data-dir\n", "", "gwd.yaml: want a mapping"},
		{"log-level: a\nlog-level: b\n", "", `key "log-level" already set`},
		{"", "OCPPGW_TRANSACTION_HISTORY=x", `$OCPPGW_TRANSACTION_HISTORY "x"`},
		{strings.Repeat("# padding\n", 8000), "", "gwd.yaml: larger than"},
	} {
		path := settingsFile(t, c.body)
		if k, v, ok := strings.Cut(c.env, "="); ok {
			t.Setenv(k, v)
		}
		_, err := parseFlags([]string{"--config", path}, os.Stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q %s: error %v, want one with %q", c.body, c.env, err, c.want)
		}
		if k, _, ok := strings.Cut(c.env, "="); ok {
			os.Unsetenv(k)
		}
	}
	if _, err := parseFlags([]string{"--config", filepath.Join(t.TempDir(), "missing.yaml")}, os.Stderr); err == nil ||
		!strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

// The store commands take --data-dir from the same file, so the packaged
// /etc/ocppgw/gwd.yaml serves `gwd check` too.
func TestSettingsReachStoreCommands(t *testing.T) {
	dir := t.TempDir()
	file := settingsFile(t, "data-dir: "+dir+"\nlog-level: debug\n")
	var out strings.Builder
	code := run([]string{"check", "--config", file}, &out)
	if code != 1 || !strings.Contains(out.String(), filepath.Join(dir, storeFile)) {
		t.Errorf("gwd check with data-dir from the file: exit %d, %q", code, out.String())
	}
}

// The protocols' own flags are gwd's: --echonet-* keep their defaults and
// help, and set by flag, variable or settings file they reach the ECHONET
// Lite opener's configuration.
func TestProtocolFlags(t *testing.T) {
	o, err := parseFlags(nil, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := o.driverConfigs()[v1alpha1.ProtocolEchonet], (echonet.Config{ListenAddr: ":3610", Group: echonet.DefaultGroup}); got != want {
		t.Errorf("defaults: %+v, want %+v", got, want)
	}
	file := settingsFile(t, "echonet-interface: eth1\n")
	t.Setenv("OCPPGW_ECHONET_DISCOVERY_ADDRESS", "192.0.2.7:3610")
	if o, err = parseFlags([]string{"--config", file, "--echonet-listen", "127.0.0.1:0"}, os.Stderr); err != nil {
		t.Fatal(err)
	}
	want := echonet.Config{ListenAddr: "127.0.0.1:0", Interface: "eth1", Group: "192.0.2.7:3610"}
	if got := o.driverConfigs()[v1alpha1.ProtocolEchonet]; got != want {
		t.Errorf("flag, file and variable: %+v, want %+v", got, want)
	}
	var help strings.Builder
	if code := run([]string{"--help"}, &help); code != 0 {
		t.Fatalf("--help: exit %d", code)
	}
	for _, want := range []string{"--echonet-listen string",
		`UDP address of the ECHONET Lite client (opened when the first EL charger is applied) (default ":3610")`} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("--help lacks %q:\n%s", want, help.String())
		}
	}
}
