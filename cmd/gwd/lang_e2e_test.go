package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
)

// TestLogsInJapanese: gwd --lang ja writes its operator messages in
// Japanese, and the keys and values a parser reads stay English.
func TestLogsInJapanese(t *testing.T) {
	d := startGwd(t, t.TempDir(), "--lang", "ja")
	defer d.stop(t)
	bus := strings.NewReader("apiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: ja-bus}\nspec: {device: /dev/ttyUSB0}\n")
	if _, errOut, code := d.gwctl(t, bus, "apply", "-f", "-"); code != 0 {
		t.Fatalf("apply: %s", errOut)
	}
	fixture.Within(t, 30*time.Second, "gwd to log the start and the apply in Japanese", func() string {
		out := d.logs.String()
		for _, want := range []string{`level=INFO msg="gwd が起動しました" version=`, "level=INFO msg=作成しました component=api kind=Bus name=ja-bus"} {
			if !strings.Contains(out, want) {
				return "no " + want + " in:\n" + out
			}
		}
		return ""
	})
	if out := d.logs.String(); strings.Contains(out, "msg=\"gwd started\"") || strings.Contains(out, "msg=created") {
		t.Errorf("English messages with --lang ja:\n%s", out)
	}
}
