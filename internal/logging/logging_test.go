package logging

import (
	"bytes"
	"context"
	"compress/gzip"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNewLevelsParses(t *testing.T) {
	l, err := NewLevels("warn, drivers/modbus=debug,ocpp=info, ocpp/CP001=trace")
	if err != nil {
		t.Fatal(err)
	}
	for comp, want := range map[string]slog.Level{
		"": slog.LevelWarn, "store": slog.LevelWarn, "drivers/modbus": slog.LevelDebug, "drivers/modbus/rtu": slog.LevelDebug,
		"drivers/echonet": slog.LevelWarn, "ocpp/CP002": slog.LevelInfo, "ocpp/CP001": LevelTrace, "ocppx": slog.LevelWarn,
	} {
		if got := l.Level(comp); got != want {
			t.Errorf("level of %q = %v, want %v", comp, got, want)
		}
	}
	for _, bad := range []string{"loud", "info,=debug", "info,debug", "drivers/modbus=verbose"} {
		if _, err := NewLevels(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestComponentLevelsFilterAndChangeAtRunTime: a logger made with a
// component, controller or station attribute logs at that component's
// level, and a change made later applies to loggers made before it.
func TestComponentLevelsFilterAndChangeAtRunTime(t *testing.T) {
	var buf bytes.Buffer
	lg, err := New(Options{Levels: "info", Stderr: &buf})
	if err != nil {
		t.Fatal(err)
	}
	modbus := lg.With("component", "drivers/modbus")
	station := lg.With("controller", "station").With("station", "CP001")
	other := lg.With("station", "CP002")
	modbus.Debug("modbus debug 1")
	station.Log(context.Background(), LevelTrace, "frame 1")
	if err := lg.Levels.Set("drivers/modbus", "debug"); err != nil {
		t.Fatal(err)
	}
	if err := lg.Levels.Set("ocpp/CP001", "trace"); err != nil {
		t.Fatal(err)
	}
	modbus.Debug("modbus debug 2")
	station.Log(context.Background(), LevelTrace, "frame 2")
	other.Log(context.Background(), LevelTrace, "frame other")
	other.Info("other info")
	lg.Levels.Reset("drivers/modbus")
	modbus.Debug("modbus debug 3")
	out := buf.String()
	for msg, want := range map[string]bool{"modbus debug 1": false, "frame 1": false, "modbus debug 2": true, "frame 2": true,
		"frame other": false, "other info": true, "modbus debug 3": false} {
		if got := strings.Contains(out, msg); got != want {
			t.Errorf("%q logged = %v, want %v:\n%s", msg, got, want, out)
		}
	}
	if !strings.Contains(out, "level=TRACE") {
		t.Errorf("trace records not labelled TRACE:\n%s", out)
	}
	snap := lg.Levels.Snapshot()
	if len(snap) != 2 || snap[0] != (ComponentLevel{"default", "info"}) || snap[1] != (ComponentLevel{"ocpp/CP001", "trace"}) {
		t.Errorf("snapshot %+v", snap)
	}
}

// TestLogFileRotatesAndCompresses: past the configured size the file is
// rotated, and the rotated file is gzipped and holds the earlier records.
func TestLogFileRotatesAndCompresses(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gwd.log")
	lg, err := New(Options{Levels: "info", File: path, MaxSizeMB: 1, MaxBackups: 3})
	if err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("x", 1000)
	for i := range 1500 { // about 1.5 MB
		lg.Info("record", "i", i, "pad", pad)
	}
	var gz []string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		// lumberjack gzips in the background and removes the plain copy
		// once the archive is complete.
		gz, _ = filepath.Glob(filepath.Join(dir, "gwd-*.log.gz"))
		plain, _ := filepath.Glob(filepath.Join(dir, "gwd-*.log"))
		if len(gz) > 0 && len(plain) == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := lg.Close(); err != nil {
		t.Fatal(err)
	}
	if len(gz) != 1 {
		ents, _ := os.ReadDir(dir)
		t.Fatalf("want one compressed rotated file, dir holds %v", ents)
	}
	f, err := os.Open(gz[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s is not gzip: %v", gz[0], err)
	}
	old, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(old), "i=0 ") || len(old) > 1<<20 {
		t.Errorf("rotated file: %d bytes, first record there: %v", len(old), strings.Contains(string(old), "i=0 "))
	}
	cur, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(cur), "i=1499 ") {
		t.Errorf("current file lacks the last record (%v)", err)
	}
}
