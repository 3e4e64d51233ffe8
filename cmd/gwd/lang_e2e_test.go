package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/internal/i18n"
)

// The end-to-end tests read the English messages of the gwd and gwctl they
// start, which inherit this process's environment: on a developer's box
// with a Japanese locale, pin the children to English. Tests that want
// Japanese pass --lang ja, which wins over the locale.
func init() {
	if lang, err := i18n.Resolve("", os.Getenv); err == nil && lang == i18n.Japanese {
		os.Setenv("LC_ALL", "C.UTF-8")
	}
}

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

// TestLangDefaultFromLocale: without --lang, gwd takes the language from
// LC_ALL, LC_MESSAGES or LANG, in that order.
func TestLangDefaultFromLocale(t *testing.T) {
	for _, c := range []struct {
		env  []string
		want string
	}{
		{[]string{"LANG=ja_JP.UTF-8"}, `(default "ja")`},
		{[]string{"LANG=ja_JP.UTF-8", "LC_ALL=C.UTF-8"}, `(default "en")`},
		{[]string{"LANG=en_US.UTF-8", "LC_MESSAGES=ja_JP.UTF-8"}, `(default "ja")`},
		{nil, `(default "en")`},
	} {
		cmd := exec.Command(filepath.Join(binDir, "gwd"), "-h")
		cmd.Env = append(withoutLocale(os.Environ()), c.env...)
		out, _ := cmd.CombinedOutput()
		// The first default after the flag's name is its own: it is never empty.
		_, after, _ := strings.Cut(string(out), "-lang")
		i := strings.Index(after, "(default ")
		if i < 0 || !strings.HasPrefix(after[i:], c.want) {
			t.Errorf("env %v: gwd -h shows no %s for --lang:\n%s", c.env, c.want, out)
		}
	}
}

func withoutLocale(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "LC_ALL=") && !strings.HasPrefix(kv, "LC_MESSAGES=") && !strings.HasPrefix(kv, "LANG=") {
			out = append(out, kv)
		}
	}
	return out
}
