package goepeer

import (
	"bufio"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/internal/testutil"
)

//go:embed peer.py
var script []byte

const (
	// PythonPath is the interpreter the peer runs on: Debian's, as for the
	// project's other python peers.
	PythonPath = "/usr/bin/python3"
	// InstallHint says how to get it.
	InstallHint = "apt-get install -y python3"
)

// Options describe the simulated charger; zero fields take the default.
type Options struct {
	Serial        string  // sse; default "012345"
	Firmware      string  // fwv; default "56.2"
	MaxAmps       int     // hardware maximum (var 22 above 16 A, else 11) and the first ama; default 32
	Amp           int     // the first amp; default 16
	Phases        int     // phases wired; default 3
	Voltage       float64 // volts on each wired phase; default 230
	EnergyTotalWh int64   // the first eto
	// WhPerStatus is energy added to wh and eto by each status request
	// served while the car charges, before the answer: energy that grows
	// as a driver polls, by count and not by time. 0: only Advance adds.
	WhPerStatus float64
}

// State is the charger as the peer holds it: the status keys it serves
// and what only the test knows (Plugged, Full, request counts).
type State struct {
	Car            int       `json:"car"`
	Amp            int       `json:"amp"`
	Ama            int       `json:"ama"`
	Alw            bool      `json:"alw"`
	Frc            int       `json:"frc"`
	Psm            int       `json:"psm"`
	Err            int       `json:"err"`
	Nrg            []float64 `json:"nrg"`
	Wh             float64   `json:"wh"`
	Eto            int64     `json:"eto"`
	Fwv            string    `json:"fwv"`
	Sse            string    `json:"sse"`
	Plugged        bool      `json:"plugged"`
	Full           bool      `json:"full"`
	Power          float64   `json:"power"` // W, nrg[11]
	StatusRequests int       `json:"statusRequests"`
	SetRequests    int       `json:"setRequests"`
}

// Request is one /api/status or /api/set request the peer received, in
// order, with the fault it took ("" for none).
type Request struct {
	Path  string `json:"path"`
	Query string `json:"query"`
	Fault string `json:"fault"`
}

// Peer is one running go-e HTTP API v2 peer on loopback.
type Peer struct {
	t     testing.TB
	url   string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Reader
	done  chan struct{}

	mu     sync.Mutex      // one command at a time
	stderr testutil.Buffer // written by exec's copying goroutine, read by the test
}

// Start runs a peer for t's duration. Without python3 it skips t, or fails
// it when the environment variable CI is set.
func Start(t testing.TB, o Options) *Peer {
	t.Helper()
	needPython(t, PythonPath)
	path := filepath.Join(t.TempDir(), "goepeer.py")
	if err := os.WriteFile(path, script, 0o644); err != nil {
		t.Fatalf("goepeer: %v", err)
	}
	opts, err := json.Marshal(map[string]any{"serial": o.Serial, "firmware": o.Firmware, "maxAmps": o.MaxAmps,
		"amp": o.Amp, "phases": o.Phases, "voltage": o.Voltage, "energyTotalWh": o.EnergyTotalWh, "whPerStatus": o.WhPerStatus})
	if err != nil {
		t.Fatalf("goepeer: options: %v", err)
	}
	p := &Peer{t: t, cmd: exec.Command(PythonPath, path, string(opts)), done: make(chan struct{})}
	p.cmd.Stderr = &p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("goepeer: %v", err)
	}
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatalf("goepeer: %v", err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("goepeer: start %s: %v", PythonPath, err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(p.stop)
	p.out = bufio.NewReader(stdout)
	var ready struct {
		Ready bool `json:"ready"`
		Port  int  `json:"port"`
	}
	if err := p.readLine(&ready); err != nil || !ready.Ready || ready.Port == 0 {
		t.Fatalf("goepeer: no ready line (%v); stderr:\n%s", err, p.stderr.String())
	}
	p.url = fmt.Sprintf("http://127.0.0.1:%d", ready.Port)
	return p
}

// needPython skips t when python is missing, except in CI, where the peer
// is part of the contract and its absence fails.
func needPython(t testing.TB, python string) {
	t.Helper()
	if _, err := os.Stat(python); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("goepeer: %s not available (CI is set, so this fails instead of skipping); install with: %s", python, InstallHint)
	}
	t.Skipf("goepeer: %s not available; install with: %s", python, InstallHint)
}

// stop closes the peer's stdin, which ends it; a peer still running after
// 5 s is killed.
func (p *Peer) stop() {
	_ = p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	if p.t.Failed() {
		p.t.Logf("goepeer stderr:\n%s", p.stderr.String())
	}
}

// Host is the peer's "127.0.0.1:PORT".
func (p *Peer) Host() string { return strings.TrimPrefix(p.url, "http://") }

// URL is the charger's base URL, "http://127.0.0.1:PORT", to which the
// API paths /api/status and /api/set are appended.
func (p *Peer) URL() string { return p.url }

// Plug connects a car; the session energy wh starts again from 0.
func (p *Peer) Plug() State { return p.do(map[string]any{"op": "plug", "value": true}) }

// Unplug disconnects the car.
func (p *Peer) Unplug() State { return p.do(map[string]any{"op": "plug", "value": false}) }

// SetFull makes the car stop drawing (full) or want energy again.
func (p *Peer) SetFull(full bool) State { return p.do(map[string]any{"op": "full", "value": full}) }

// SetError sets the err key (0 clears it); any other value puts the car
// state in Error (5) and forbids charging.
func (p *Peer) SetError(code int) State { return p.do(map[string]any{"op": "error", "value": code}) }

// Advance charges for d of simulated time at the present power, adding to
// wh and eto. Energy grows only this way and by Options.WhPerStatus, so
// tests see exact values.
func (p *Peer) Advance(d time.Duration) State {
	return p.do(map[string]any{"op": "advance", "seconds": d.Seconds()})
}

// State returns the charger's state now.
func (p *Peer) State() State { return p.do(map[string]any{"op": "state"}) }

// SetFault queues f: the next requests it matches take it, in the order
// faults were set. A bad fault fails the test.
func (p *Peer) SetFault(f Fault) {
	p.t.Helper()
	if err := f.check(); err != nil {
		p.t.Fatalf("goepeer: %v", err)
	}
	p.do(map[string]any{"op": "fault", "fault": f.wire()})
}

// ClearFaults drops every queued fault and ends every hanging request.
func (p *Peer) ClearFaults() { p.do(map[string]any{"op": "clearFaults"}) }

// Requests returns every /api/status and /api/set request so far.
func (p *Peer) Requests() []Request {
	p.t.Helper()
	var r struct {
		Requests []Request `json:"requests"`
	}
	p.command(map[string]any{"op": "requests"}, &r)
	return r.Requests
}

// do runs a command that answers with the state.
func (p *Peer) do(c map[string]any) State {
	p.t.Helper()
	var r struct {
		State State `json:"state"`
	}
	p.command(c, &r)
	return r.State
}

// command sends c and decodes the answer into v; a peer that fails or
// ends fails the test (so call it from the test's goroutine).
func (p *Peer) command(c map[string]any, v any) {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	line, err := json.Marshal(c)
	if err == nil {
		_, err = p.stdin.Write(append(line, '\n'))
	}
	var reply struct {
		OK    bool   `json:"ok"`
		Error string `json:"error"`
	}
	var raw json.RawMessage
	if err == nil {
		err = p.readLine(&raw)
	}
	if err == nil {
		err = json.Unmarshal(raw, &reply)
	}
	if err == nil && !reply.OK {
		err = fmt.Errorf("refused: %s", reply.Error)
	}
	if err == nil {
		err = json.Unmarshal(raw, v)
	}
	if err != nil {
		p.t.Fatalf("goepeer: command %s: %v; stderr:\n%s", line, err, p.stderr.String())
	}
}

func (p *Peer) readLine(v any) error {
	line, err := p.out.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("read the peer's answer: %w", err)
	}
	if err := json.Unmarshal(line, v); err != nil {
		return fmt.Errorf("the peer's answer %q: %w", strings.TrimSpace(string(line)), err)
	}
	return nil
}
