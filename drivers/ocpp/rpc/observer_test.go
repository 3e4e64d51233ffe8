package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

// recorder is an Observer that keeps what it was told.
type recorder struct {
	mu     sync.Mutex
	calls  []string
	served []string
}

func (r *recorder) CallEnded(action, result, code string, rtt time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, fmt.Sprintf("%s %s %s answered=%v", action, result, code, rtt > 0))
}

func (r *recorder) Served(action, result, code string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.served = append(r.served, fmt.Sprintf("%s %s %s", action, result, code))
}

func (r *recorder) lists() ([]string, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls), slices.Clone(r.served)
}

// TestObserver drives every way a CALL ends against a raw peer and checks
// the Observer heard each once, with the right result and code.
func TestObserver(t *testing.T) {
	url, peers := startRawPeer(t, true)
	rec := &recorder{}
	st := dialStation(t, url, "CS-OBS", Options{Observer: rec, MessageTimeout: 300 * time.Millisecond,
		Handler: func(_ context.Context, action string, _ json.RawMessage) (any, error) {
			if action == "Reset" {
				return map[string]string{"status": "Accepted"}, nil
			}
			return nil, Errorf(NotSupported, "no %s", action)
		}})
	peer := recvConn(t, peers)
	answer := func(action, reply string) error {
		done := make(chan error, 1)
		go func() { _, err := st.Call(testCtx(t), action, nil); done <- err }()
		call := peer.read(t)
		if reply != "" {
			peer.write(t, fmt.Sprintf(reply, str(t, call[1])))
		}
		return <-done
	}
	if err := answer("Heartbeat", `[3,%q,{"currentTime":"2026-01-01T00:00:00Z"}]`); err != nil {
		t.Fatalf("Heartbeat: %v", err)
	}
	var oe *Error
	if err := answer("Authorize", `[4,%q,"SecurityError","no",{}]`); !errors.As(err, &oe) {
		t.Fatalf("Authorize: %v, want a CALLERROR", err)
	}
	if err := answer("StatusNotification", `[3,%q,[1]]`); err == nil {
		t.Fatal("a non-object result was accepted")
	}
	if err := answer("MeterValues", ""); !errors.Is(err, ErrTimeout) {
		t.Fatalf("MeterValues: %v, want ErrTimeout", err)
	}
	peer.write(t, `[2,"r1","Reset",{"type":"Immediate"}]`)
	peer.write(t, `[2,"r2","GetLog",{}]`)
	peer.read(t)
	peer.read(t)

	want := []string{"Heartbeat ok  answered=true", "Authorize callerror SecurityError answered=true",
		"StatusNotification invalid  answered=true", "MeterValues timeout  answered=false"}
	calls, served := rec.lists()
	// Served is told right after the answer is written, so the peer may
	// read it first.
	for deadline := time.Now().Add(wait); len(served) < 2 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		calls, served = rec.lists()
	}
	if !slices.Equal(calls, want) {
		t.Errorf("calls observed:\n%q\nwant\n%q", calls, want)
	}
	wantServed := []string{"Reset ok ", "GetLog callerror NotSupported"}
	if !slices.Equal(served, wantServed) {
		t.Errorf("served observed %q, want %q", served, wantServed)
	}
}
