package logging

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestLangTranslatesMessagesNotKeys: with Lang ja, a catalogued message at
// info and above is written in Japanese, in text and JSON alike, while the
// keys, the attribute values and the level stay as they are; debug records
// and messages with no entry stay English; with Lang en nothing changes.
func TestLangTranslatesMessagesNotKeys(t *testing.T) {
	var ja, en bytes.Buffer
	lja, err := New(Options{Levels: "debug", Format: "json", Lang: "ja", Stderr: &ja})
	if err != nil {
		t.Fatal(err)
	}
	lEn, err := New(Options{Levels: "debug", Format: "json", Lang: "en", Stderr: &en})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*Logger{lja, lEn} {
		st := l.With("component", "store").With("station", "CP001")
		st.Info("gwd started", "version", "v1")
		st.Warn("device DeviceReachable False", "charger", "ch-1", "reason", "NotResponding")
		st.Debug("gwd started", "debug", true)
		st.Error("no catalog entry for this one", "err", "x")
	}
	want := []struct{ level, ja, en string }{
		{"INFO", "gwd が起動しました", "gwd started"},
		{"WARN", "機器が応答しません (DeviceReachable が False)", "device DeviceReachable False"},
		{"DEBUG", "gwd started", "gwd started"},
		{"ERROR", "no catalog entry for this one", "no catalog entry for this one"},
	}
	jaRecs, enRecs := records(t, ja.String()), records(t, en.String())
	if len(jaRecs) != len(want) || len(enRecs) != len(want) {
		t.Fatalf("records: %d in ja, %d in en, want %d:\n%s\n%s", len(jaRecs), len(enRecs), len(want), ja.String(), en.String())
	}
	for i, w := range want {
		if jaRecs[i]["msg"] != w.ja || enRecs[i]["msg"] != w.en {
			t.Errorf("record %d: msg %q in ja, %q in en; want %q, %q", i, jaRecs[i]["msg"], enRecs[i]["msg"], w.ja, w.en)
		}
		for _, k := range []string{"time", "level", "component", "station"} {
			if _, ok := jaRecs[i][k]; !ok {
				t.Errorf("record %d in ja lacks the key %q: %v", i, k, jaRecs[i])
			}
		}
		if jaRecs[i]["level"] != w.level {
			t.Errorf("record %d: level %v in ja", i, jaRecs[i]["level"])
		}
	}
	if jaRecs[1]["reason"] != "NotResponding" || jaRecs[1]["charger"] != "ch-1" {
		t.Errorf("attribute values changed in ja: %v", jaRecs[1])
	}
}

func TestLangTextFormatAndBadLang(t *testing.T) {
	var buf bytes.Buffer
	l, err := New(Options{Levels: "info", Lang: "ja_JP.UTF-8", Stderr: &buf})
	if err != nil {
		t.Fatal(err)
	}
	l.Info("controllers started", "controllers", 3)
	if want := `level=INFO msg=コントローラーを起動しました controllers=3`; !strings.Contains(buf.String(), want) {
		t.Errorf("text record %q lacks %q", buf.String(), want)
	}
	if _, err := New(Options{Levels: "info", Lang: "klingon"}); err == nil || !strings.Contains(err.Error(), "klingon") {
		t.Errorf("--lang klingon: %v", err)
	}
}

func records(t *testing.T, out string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", line, err)
		}
		recs = append(recs, m)
	}
	return recs
}
