package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/i18n"
)

// localeFree is the environment without the locale variables, so that
// tests read English whatever the developer's locale is.
func localeFree(k string) string {
	switch k {
	case "LC_ALL", "LC_MESSAGES", "LANG":
		return ""
	}
	return os.Getenv(k)
}

// runEnv runs gwctl with env as its whole environment's locale part.
func runEnv(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return localeFree(k)
	}
	code := execute(ctx, args, IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, getenv)
	return result{out: out.String(), err: errOut.String(), code: code}
}

// TestLangSwitchesMessages: --lang, else LC_ALL, LC_MESSAGES or LANG,
// switches gwctl's errors and help between English and Japanese, while
// the "error:" lead, flags and command names stay English.
func TestLangSwitchesMessages(t *testing.T) {
	missing := []string{"--config", "/nonexistent/gwctl.yaml", "get", "chargers"}
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"default English", nil, missing, "error: load config /nonexistent/gwctl.yaml: "},
		{"--lang ja", nil, append([]string{"--lang", "ja"}, missing...), "error: 設定ファイル /nonexistent/gwctl.yaml を読み込めません: "},
		{"--lang=ja after the command", nil, append(missing, "--lang=ja"), "error: 設定ファイル /nonexistent/gwctl.yaml を読み込めません: "},
		{"LANG=ja_JP.UTF-8", map[string]string{"LANG": "ja_JP.UTF-8"}, missing, "error: 設定ファイル /nonexistent/gwctl.yaml を読み込めません: "},
		{"LC_ALL=C over LANG", map[string]string{"LANG": "ja_JP.UTF-8", "LC_ALL": "C"}, missing, "error: load config "},
		{"--lang en over LANG", map[string]string{"LANG": "ja_JP.UTF-8"}, append([]string{"--lang", "en"}, missing...), "error: load config "},
	} {
		r := runEnv(t, c.env, c.args...)
		if r.code != 1 || !strings.HasPrefix(r.err, c.want) {
			t.Errorf("%s: exit %d, stderr %q, want it to start with %q", c.name, r.code, r.err, c.want)
		}
	}
	if r := runEnv(t, nil, "--lang", "fr", "version", "--client"); r.code != 1 || !strings.Contains(r.err, `"fr"`) {
		t.Errorf("--lang fr: exit %d, stderr %q", r.code, r.err)
	}
	en, ja := runEnv(t, nil, "--help"), runEnv(t, nil, "--lang", "ja", "--help")
	for _, want := range []string{"gwctl は管理 API を通じて", "リソースの詳細を表示します", "describe", "--lang"} {
		if !strings.Contains(ja.out, want) {
			t.Errorf("Japanese help lacks %q:\n%s", want, ja.out)
		}
	}
	if !strings.Contains(en.out, "Show details of resources") || strings.Contains(en.out, "リソース") {
		t.Errorf("English help:\n%s", en.out)
	}
	if r := runEnv(t, nil, "--lang", "ja", "get", "--bogus"); !strings.Contains(r.err, "使い方は 'gwctl get --help' を参照してください") {
		t.Errorf("flag error in Japanese: %q", r.err)
	}
}

// TestEveryCommandHasJapaneseHelp: no command shows a catalog id or the
// English text as its Japanese help.
func TestEveryCommandHasJapaneseHelp(t *testing.T) {
	ja := map[string]*cobra.Command{}
	walk(newRootCmd(IOStreams{Lang: i18n.Japanese}), func(c *cobra.Command) { ja[c.CommandPath()] = c })
	n := 0
	walk(newRootCmd(IOStreams{Lang: i18n.English}), func(c *cobra.Command) {
		if c.Name() == "completion" || c.HasParent() && c.Parent().Name() == "completion" {
			return
		}
		n++
		j := ja[c.CommandPath()]
		if j == nil || strings.HasPrefix(c.Short, "gwctl.") || strings.HasPrefix(j.Short, "gwctl.") || j.Short == c.Short {
			t.Errorf("%s: Short not translated", c.CommandPath())
			return
		}
		if c.Long != "" && (j.Long == c.Long || strings.HasPrefix(j.Long, "gwctl.")) {
			t.Errorf("%s: Long not translated: %q", c.CommandPath(), j.Long)
		}
	})
	if n < 15 {
		t.Errorf("checked only %d commands", n)
	}
}

func walk(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, s := range c.Commands() {
		walk(s, f)
	}
}

// TestAPIErrorsInJapanese: the common API failures read in Japanese, with
// the object named, and English output is as it always was.
func TestAPIErrorsInJapanese(t *testing.T) {
	e := newTestEnv(t)
	r := e.run("--lang", "ja", "get", "chargers", "nope")
	if r.code != 1 || !strings.HasPrefix(r.err, "error: ") || !strings.Contains(r.err, `error: Charger "nope" が見つかりません`) {
		t.Errorf("not found in Japanese: exit %d %q", r.code, r.err)
	}
	if r := e.run("get", "chargers", "nope"); !strings.Contains(r.err, "not found") || strings.Contains(r.err, "見つかりません") {
		t.Errorf("not found in English: %q", r.err)
	}
	chargers := filepath.Join(siteDir, "30-chargers.yaml")
	r = e.run("--lang", "ja", "apply", "-f", filepath.Join(siteDir, "10-csms.yaml"), "-f", chargers)
	for _, want := range []string{
		"error: 入力内容に誤りがあります (問題 2 件、以下に示します)\n",
		"  " + chargers + `: document 1 (Charger/ch-1): spec.templateRef: Template "wallbox" not found` + "\n",
	} {
		if r.code != 1 || !strings.Contains(r.err, want) {
			t.Errorf("invalid apply in Japanese: exit %d, stderr lacks %q:\n%s", r.code, want, r.err)
		}
	}
}

func TestConditionMessages(t *testing.T) {
	c := v1alpha1.Condition{Type: "DeviceReachable", Status: v1alpha1.ConditionFalse, Reason: "NotResponding", Message: "3 polls in a row failed; last: timeout"}
	if got := conditionMessage(i18n.Japanese, c); got != "機器が応答しません: 3 polls in a row failed; last: timeout" {
		t.Errorf("Japanese: %q", got)
	}
	if got := conditionMessage(i18n.English, c); got != c.Message {
		t.Errorf("English: %q", got)
	}
	c.Reason = "SomethingNew"
	if got := conditionMessage(i18n.Japanese, c); got != c.Message {
		t.Errorf("unknown reason: %q", got)
	}
	c.Reason, c.Message = "Polled", ""
	if got := conditionMessage(i18n.Japanese, c); got != "直近のポーリングは成功しました" {
		t.Errorf("reason without message: %q", got)
	}
}

// TestLocalErrorsInJapanese: errors gwctl finds itself, and a gwd that is
// not running, read in Japanese; English output is as it always was.
func TestLocalErrorsInJapanese(t *testing.T) {
	for _, c := range []struct {
		args   []string
		ja, en string
	}{
		{[]string{"get", "gizmos"}, `error: リソースの種類 "gizmos" は不明です (使える種類: `, `error: unknown resource type "gizmos" (known: `},
		{[]string{"get"}, "error: リソースの種類を指定してください (", "error: you must specify the type of resource (one of: "},
		{[]string{"apply"}, "error: -f FILE|DIR|- を指定してください\n", "error: must specify -f FILE|DIR|-\n"},
	} {
		en := runEnv(t, nil, append([]string{"--server", "http://127.0.0.1:1"}, c.args...)...)
		ja := runEnv(t, nil, append([]string{"--lang", "ja", "--server", "http://127.0.0.1:1"}, c.args...)...)
		if !strings.HasPrefix(ja.err, c.ja) || !strings.HasPrefix(en.err, c.en) {
			t.Errorf("%v:\nja %q, want prefix %q\nen %q, want prefix %q", c.args, ja.err, c.ja, en.err, c.en)
		}
	}
	// Port 1 on loopback: nothing listens there, so the dial is refused.
	ja := runEnv(t, nil, "--lang", "ja", "--server", "http://127.0.0.1:1", "get", "chargers")
	if ja.code != 1 || !strings.HasPrefix(ja.err, "error: gwd に接続できません: ") || !strings.Contains(ja.err, "connection refused") {
		t.Errorf("refused connection in Japanese: exit %d %q", ja.code, ja.err)
	}
}

// TestHelpPageInOneLanguage: in Japanese the usage headings, the help
// command and the shared flags' help are Japanese too; flag names stay.
func TestHelpPageInOneLanguage(t *testing.T) {
	ja := runEnv(t, nil, "--lang", "ja", "get", "--help").out
	for _, want := range []string{"使い方:\n  gwctl get", "フラグ:\n", "共通フラグ:\n", "--server string", "管理 API のアドレス"} {
		if !strings.Contains(ja, want) {
			t.Errorf("Japanese help of get lacks %q:\n%s", want, ja)
		}
	}
	en := runEnv(t, nil, "get", "--help").out
	for _, want := range []string{"Usage:\n  gwctl get", "Global Flags:\n", "admin API address"} {
		if !strings.Contains(en, want) {
			t.Errorf("English help of get lacks %q:\n%s", want, en)
		}
	}
	if root := runEnv(t, nil, "--lang", "ja", "help").out; !strings.Contains(root, "各コマンドの詳細は \"gwctl [command] --help\" で表示できます。") ||
		!strings.Contains(root, "help        各コマンドのヘルプを表示します") {
		t.Errorf("Japanese root help:\n%s", root)
	}
}

// TestDescribeConditionsInJapanese: the stored condition message stays
// English, and describe in Japanese puts the reason's explanation in front
// of it while the table's headers and the field labels stay English.
func TestDescribeConditionsInJapanese(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	obj, err := e.store.Get("Charger", "ch-1")
	if err != nil {
		t.Fatal(err)
	}
	obj.Status = json.RawMessage(`{"conditions":[{"type":"DeviceReachable","status":"False","reason":"NotResponding",` +
		`"message":"3 polls in a row failed; last: timeout","lastTransitionTime":"2025-01-01T00:00:00Z"}]}`)
	if _, err := e.store.UpdateStatus(obj); err != nil {
		t.Fatal(err)
	}
	ja := e.mustRun("--lang", "ja", "describe", "charger", "ch-1")
	for _, re := range []string{`Name:\s+ch-1`, `\s+TYPE\s+STATUS\s+REASON\s+AGE\s+MESSAGE`,
		`\s+DeviceReachable\s+False\s+NotResponding\s+\S+\s+機器が応答しません: 3 polls in a row failed; last: timeout`} {
		if !hasLine(ja, re) {
			t.Errorf("Japanese describe lacks a line matching %q:\n%s", re, ja)
		}
	}
	en := e.mustRun("describe", "charger", "ch-1")
	if !hasLine(en, `\s+DeviceReachable\s+False\s+NotResponding\s+\S+\s+3 polls in a row failed; last: timeout$`) {
		t.Errorf("English describe:\n%s", en)
	}
	if stored := e.mustRun("--lang", "ja", "get", "charger", "ch-1", "-o", "json"); !strings.Contains(stored, `"message": "3 polls in a row failed; last: timeout"`) {
		t.Errorf("get -o json in Japanese changed the stored message:\n%s", stored)
	}
}

// TestAuthErrorsInJapanese: a request outside the token's role and a
// request with a token gwd does not know read in Japanese, with the
// server's words (verb, kind, role) kept for the details.
func TestAuthErrorsInJapanese(t *testing.T) {
	e := newTestEnv(t)
	r := e.run("token", "create", "grafana", "--role", "viewer")
	if r.code != 0 {
		t.Fatalf("token create: %s", r.err)
	}
	viewer := &testEnv{t: t, config: filepath.Join(t.TempDir(), "gwctl.yaml")}
	writeConfig(t, viewer.config, e.url, strings.TrimSpace(r.out))
	r = viewer.runStdin("apiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: b}\nspec: {device: /dev/ttyUSB0}\n", "--lang", "ja", "apply", "-f", "-")
	if r.code == 0 || !strings.HasPrefix(r.err, "error: apply: 権限がありません: ") || !strings.Contains(r.err, `role "viewer"`) {
		t.Errorf("forbidden in Japanese: exit %d %q", r.code, r.err)
	}
	stranger := &testEnv{t: t, config: filepath.Join(t.TempDir(), "gwctl.yaml")}
	writeConfig(t, stranger.config, e.url, "gwt_"+strings.Repeat("0", 40))
	if r := stranger.run("--lang", "ja", "get", "chargers"); r.code == 0 || !strings.HasPrefix(r.err, "error: ") || !strings.Contains(r.err, "認証されていません: ") {
		t.Errorf("unauthorized in Japanese: exit %d %q", r.code, r.err)
	}
}
