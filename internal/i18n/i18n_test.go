package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestEveryLogMessageHasJapanese is the check that every message has both
// languages: every Info, Warn and Error message in the module's sources is
// a constant (English, so its own English entry) with a Japanese entry, and
// the Japanese log catalog holds nothing the sources no longer log.
func TestEveryLogMessageHasJapanese(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	msgs, bad, err := scanLogMessages(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, pos := range bad {
		t.Errorf("%s: the log message is not a constant string; make it a literal (variable parts go in attributes) or a call of a same-package function that returns only literals, so it can be translated", pos)
	}
	if len(msgs) < 50 {
		t.Fatalf("found only %d log messages in %s: the scan is broken", len(msgs), root)
	}
	en, ja := mustMessages(t, English), mustMessages(t, Japanese)
	used := map[string]bool{}
	for _, m := range msgs {
		used[m.text] = true
		if _, ok := ja[m.text]; !ok {
			t.Errorf("%s: log message %q has no entry in catalog/log.ja.yaml", m.pos, m.text)
		}
		if _, ok := en[m.text]; ok {
			t.Errorf("%s: log message %q is also a stable id in catalog/en.yaml", m.pos, m.text)
		}
	}
	var unused []string
	for id := range ja {
		if _, stable := en[id]; !stable && !used[id] {
			unused = append(unused, id)
		}
	}
	sort.Strings(unused)
	for _, id := range unused {
		t.Errorf("catalog/log.ja.yaml: %q is logged nowhere; remove it", id)
	}
}

// TestStableIDsHaveBothLanguages: every gwctl or condition message has an
// English and a Japanese text, the Japanese one fills in the same template
// fields, and none is left in English.
func TestStableIDsHaveBothLanguages(t *testing.T) {
	en, ja := mustMessages(t, English), mustMessages(t, Japanese)
	if len(en) == 0 {
		t.Fatal("the English catalog is empty")
	}
	for id, e := range en {
		j, ok := ja[id]
		switch {
		case !ok:
			t.Errorf("%s: no Japanese", id)
		case !reJapanese.MatchString(j):
			t.Errorf("%s: Japanese text %q has no Japanese in it", id, j)
		case strings.Join(fields(e), ",") != strings.Join(fields(j), ","):
			t.Errorf("%s: template fields %v in English, %v in Japanese", id, fields(e), fields(j))
		}
	}
	for id := range ja {
		if _, ok := en[id]; !ok && (reStableID.MatchString(id) || strings.HasPrefix(id, "reason.")) {
			t.Errorf("%s: Japanese only, no English", id)
		}
	}
}

// TestStableIDsUsed: every gwctl id the sources name is in the catalogs,
// and every gwctl id in the catalogs is named somewhere.
func TestStableIDsUsed(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	used, err := scanStableIDs(root)
	if err != nil {
		t.Fatal(err)
	}
	en := mustMessages(t, English)
	for id, pos := range used {
		if _, ok := en[id]; !ok {
			t.Errorf("%s: %q is in no catalog", pos, id)
		}
	}
	for id := range en {
		if _, ok := used[id]; !ok && reStableID.MatchString(id) {
			t.Errorf("catalog id %q is used nowhere; remove it", id)
		}
	}
	if len(used) < 20 {
		t.Errorf("found only %d ids in the sources: the scan is broken", len(used))
	}
}

// TestConditionReasonsExplained: every reason a controller declares for
// its conditions has an explanation, which gwctl describe shows in
// Japanese in front of the stored message.
func TestConditionReasonsExplained(t *testing.T) {
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	reasons, err := scanConditionReasons(root, "controllers")
	if err != nil {
		t.Fatal(err)
	}
	if len(reasons) < 15 {
		t.Fatalf("found only %d condition reasons: the scan is broken", len(reasons))
	}
	en := mustMessages(t, English)
	for r, pos := range reasons {
		if _, ok := en["reason."+r]; !ok {
			t.Errorf("%s: condition reason %q has no reason.%s entry in the catalogs", pos, r, r)
		}
	}
}

var (
	reJapanese = regexp.MustCompile(`[\p{Hiragana}\p{Katakana}\p{Han}]`)
	reField    = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
)

func fields(s string) []string {
	var out []string
	for _, m := range reField.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

func mustMessages(t *testing.T, l Lang) map[string]string {
	t.Helper()
	m, err := Messages(l)
	if err != nil {
		t.Fatalf("catalogs do not parse: %v", err)
	}
	return m
}

// TestScanFindsUntranslatedAndDynamicMessages: the source check catches a
// new log line, a dynamic message, a message chosen by a helper function,
// and skips debug records and http.Error.
func TestScanFindsUntranslatedAndDynamicMessages(t *testing.T) {
	dir := t.TempDir()
	src := `package p

import (
	"context"
	"log/slog"
	"net/http"
)

func f(log *slog.Logger, w http.ResponseWriter, s string) {
	log.Info("a new line " + "joined")
	log.Warn("state " + s)
	log.Error(pick(s), "k", s)
	log.Debug("debug only")
	log.Log(context.Background(), slog.LevelDebug, "debug by Log")
	log.LogAttrs(context.Background(), slog.LevelWarn, "warn by LogAttrs")
	log.InfoContext(context.Background(), "with context")
	http.Error(w, "not a log line", 500)
	_ = s
}

func pick(s string) string {
	if s == "" {
		return "picked empty"
	}
	return "picked other"
}
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\nfunc g(l interface{ Info(string, ...any) }) { l.Info(\"in a test\") }\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	msgs, bad, err := scanLogMessages(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.text)
	}
	sort.Strings(got)
	want := []string{"a new line joined", "picked empty", "picked other", "warn by LogAttrs", "with context"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("messages %q, want %q", got, want)
	}
	if len(bad) != 1 || bad[0] != "p.go:11" {
		t.Errorf("dynamic messages at %v, want [p.go:11]", bad)
	}
}

func TestResolve(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		flag string
		env  func(string) string
		want Lang
	}{
		{"", env(), English},
		{"", env("LANG", "ja_JP.UTF-8"), Japanese},
		{"", env("LANG", "ja_JP.UTF-8", "LC_MESSAGES", "C"), English},
		{"", env("LANG", "en_US.UTF-8", "LC_ALL", "ja_JP.eucJP"), Japanese},
		{"", env("LANG", "de_DE.UTF-8"), English},
		{"ja", env("LANG", "en_US.UTF-8"), Japanese},
		{"en", env("LC_ALL", "ja_JP.UTF-8"), English},
		{"ja_JP.UTF-8", env(), Japanese},
	} {
		got, err := Resolve(c.flag, c.env)
		if err != nil || got != c.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", c.flag, got, err, c.want)
		}
	}
	if FromEnv(env("LC_MESSAGES", "ja_JP.UTF-8")) != Japanese || FromEnv(env()) != English {
		t.Error("FromEnv")
	}
	if _, err := Resolve("fr", env()); err == nil || !strings.Contains(err.Error(), `"fr"`) {
		t.Errorf("--lang fr: err %v, want one naming the value", err)
	}
}

// TestTranslates: the same id gives each language's text with the data
// filled in, a log message gives its Japanese, and an unknown id or an
// untranslated log message comes back as it is.
func TestTranslates(t *testing.T) {
	data := map[string]any{"Path": "/etc/x.yaml"}
	en, ja := T(English, "gwctl.loadConfig", data), T(Japanese, "gwctl.loadConfig", data)
	if !strings.Contains(en, "/etc/x.yaml") || !strings.Contains(ja, "/etc/x.yaml") || en == ja || !reJapanese.MatchString(ja) {
		t.Errorf("gwctl.loadConfig: en %q, ja %q", en, ja)
	}
	if got := Log(Japanese, "gwd started"); got != "gwd が起動しました" {
		t.Errorf("log message in Japanese: %q", got)
	}
	if got := Log(English, "gwd started"); got != "gwd started" {
		t.Errorf("log message in English: %q", got)
	}
	for _, id := range []string{"no such id", "gwd started"} {
		if got := T(English, id, nil); got != id {
			t.Errorf("T(en, %q) = %q", id, got)
		}
	}
}
