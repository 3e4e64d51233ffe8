package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	smb "github.com/simonvetter/modbus"
)

// startSim runs `gwsim run` in-process and returns the control URL and the
// addresses of the n devices it printed; extra are more flags.
func startSim(t *testing.T, devices string, n int, extra ...string) (string, map[string]string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		done <- run(ctx, append([]string{"run", "--devices", devices, "--base-port", "0", "--control", "127.0.0.1:0", "--tick", "20ms",
			"--el-listen", "127.0.0.1:0", "--el-group", "127.0.0.1:9"}, extra...), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("gwsim run exited %d", code)
		}
	})
	sc := bufio.NewScanner(pr)
	var control string
	addrs := map[string]string{}
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "control:":
			control = f[1]
		case len(f) >= 3 && f[0] != "NAME":
			addrs[f[0]] = f[2]
		}
		if len(addrs) == n {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	return control, addrs
}

func ctl(t *testing.T, control string, args ...string) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), append([]string{"ctl", "--server", control}, args...), &out, &errOut)
	return out.String() + errOut.String(), code
}

func TestRunAndControl(t *testing.T) {
	control, addrs := startSim(t, "abb-terra-ac:1", 1)
	addr := addrs["abb-terra-ac-1"]
	if control == "" || addr == "" {
		t.Fatalf("control %q, devices %v", control, addrs)
	}
	cl := modbusClient(t, addr, 1)
	lock := func() uint32 {
		v, err := cl.ReadUint32(0x400A, smb.HOLDING_REGISTER)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if lock() != 0 {
		t.Fatal("an EV is plugged in before plug")
	}
	if out, code := ctl(t, control, "plug", "abb-terra-ac-1"); code != 0 || !strings.Contains(out, `"plugged": true`) {
		t.Fatalf("ctl plug: %d %s", code, out)
	}
	if lock() < 0x0101 {
		t.Fatal("the register map does not show the plugged EV")
	}
	if out, code := ctl(t, control, "list"); code != 0 || !strings.Contains(out, "abb-terra-ac-1") || !strings.Contains(out, "true") {
		t.Fatalf("ctl list: %d %s", code, out)
	}
	// A limit written through the register map shows as the setpoint and,
	// below the charger's maximum, as the limit in force.
	if err := cl.WriteUint32(0x4100, 10500); err != nil {
		t.Fatal(err)
	}
	// The limit in force follows at the simulator's next tick.
	row := regexp.MustCompile(`(?m)^abb-terra-ac-1\s+.*\s+[A-F][12]?\s+10\.5 A\s+10\.5 A\s+`)
	var out string
	for deadline := time.Now().Add(10 * time.Second); !row.MatchString(out); {
		if time.Now().After(deadline) {
			t.Fatalf("ctl list does not show the 10.5 A written:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond)
		out, _ = ctl(t, control, "list")
	}
	if !regexp.MustCompile(`(?m)^NAME\s+.*\s+IEC61851\s+SETPOINT\s+LIMIT\s+CURRENT\s`).MatchString(out) {
		t.Errorf("ctl list header:\n%s", out)
	}
	if out, code := ctl(t, control, "fault", "abb-terra-ac-1", "exception"); code != 0 {
		t.Fatalf("ctl fault: %s", out)
	}
	if _, err := cl.ReadUint32(0x400A, smb.HOLDING_REGISTER); err == nil {
		t.Fatal("exception fault: the read succeeded")
	}
	if out, code := ctl(t, control, "fault", "abb-terra-ac-1", "melted"); code == 0 || !strings.Contains(out, "unknown fault") {
		t.Fatalf("unknown fault: %d %s", code, out)
	}
	if out, code := ctl(t, control, "plug", "nope"); code == 0 || !strings.Contains(out, `no device "nope"`) {
		t.Fatalf("unknown device: %d %s", code, out)
	}
}

func TestParseSpec(t *testing.T) {
	for _, bad := range []string{"tesla:1", "abb-terra-ac:0", "abb-terra-ac:x", "abb-terra-ac:99999", "abb-terra-ac-rtu:248"} {
		if _, err := parseSpec(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	s, err := parseSpec("abb-terra-ac:3, alfen-eve")
	if err != nil || len(s) != 2 || s[0][1] != "3" || s[1] != [2]string{"alfen-eve", "1"} {
		t.Fatalf("%v %v", s, err)
	}
}

// TestCardAndEVPause: ctl card puts a UID where the KEBA's template reads
// it (1500) and is refused by a model without a reader; ctl ev-pause makes
// the plugged EV stop drawing; --plug starts with an EV plugged in.
func TestCardAndEVPause(t *testing.T) {
	control, addrs := startSim(t, "keba-p30:1,abb-terra-ac:1", 2, "--plug", "abb-terra-ac-1")
	keba := modbusClient(t, addrs["keba-p30-1"], 255)
	if out, code := ctl(t, control, "card", "keba-p30-1", "04a1b2c3"); code != 0 || !strings.Contains(out, `"card": "04A1B2C3"`) {
		t.Fatalf("ctl card: %d %s", code, out)
	}
	if uid, err := keba.ReadUint32(1500, smb.HOLDING_REGISTER); err != nil || uid != 0x04A1B2C3 {
		t.Fatalf("1500 reads %08X (%v), want 04A1B2C3", uid, err)
	}
	if out, code := ctl(t, control, "list"); code != 0 || !strings.Contains(out, "04A1B2C3") {
		t.Errorf("ctl list shows no card: %s", out)
	}
	if out, code := ctl(t, control, "card", "keba-p30-1", "12"); code == 0 || !strings.Contains(out, "want 8 hex digits") {
		t.Errorf("a short UID: %d %s", code, out)
	}
	if out, code := ctl(t, control, "card", "abb-terra-ac-1", "04A1B2C3"); code == 0 || !strings.Contains(out, "no RFID reader") {
		t.Errorf("a card at the ABB: %d %s", code, out)
	}
	if out, code := ctl(t, control, "ev-pause", "keba-p30-1", "true"); code == 0 || !strings.Contains(out, "no EV") {
		t.Errorf("ev-pause without an EV: %d %s", code, out)
	}

	abb := modbusClient(t, addrs["abb-terra-ac-1"], 1)
	power := func() uint32 {
		v, err := abb.ReadUint32(0x401C, smb.HOLDING_REGISTER)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if !poll(5*time.Second, func() bool { return power() == 32*230*3 }) {
		t.Fatalf("the EV plugged in by --plug draws %d W, want %d", power(), 32*230*3)
	}
	if out, code := ctl(t, control, "ev-pause", "abb-terra-ac-1", "true"); code != 0 || !strings.Contains(out, `"evPaused": true`) {
		t.Fatalf("ctl ev-pause: %d %s", code, out)
	}
	if !poll(5*time.Second, func() bool { return power() == 0 }) {
		t.Fatalf("the paused EV still draws %d W", power())
	}
}

func modbusClient(t *testing.T, addr string, unit uint8) *smb.ModbusClient {
	t.Helper()
	cl, err := smb.NewClient(&smb.ClientConfiguration{URL: "tcp://" + addr, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Open(); err != nil {
		t.Fatal(err)
	}
	cl.SetUnitId(unit)
	t.Cleanup(func() { cl.Close() })
	return cl
}
