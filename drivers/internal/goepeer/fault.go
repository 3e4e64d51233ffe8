package goepeer

import (
	"fmt"
	"time"
)

// FaultKind is how a faulty request is answered.
type FaultKind string

// The faults the peer can inject.
const (
	// FaultHang reads the request and never answers, until ClearFaults or
	// the end of the test; then the connection is closed.
	FaultHang FaultKind = "hang"
	// FaultSlow answers normally after Fault.Delay.
	FaultSlow FaultKind = "slow"
	// FaultHTTP500 answers 500 with a plain-text body, as a busy charger
	// does ("couldn't take api lock in 3s").
	FaultHTTP500 FaultKind = "http500"
	// FaultGarbage answers 200 with a body that is not JSON.
	FaultGarbage FaultKind = "garbage"
	// FaultTruncated sends a Content-Length for the whole JSON answer,
	// then half of it, then closes the connection.
	FaultTruncated FaultKind = "truncated"
	// FaultMissingKey leaves Fault.Key out of a status answer, with 200.
	FaultMissingKey FaultKind = "missingKey"
	// FaultNullKey answers Fault.Key as null in a status answer, with 200,
	// as the device does for car and err on an internal error.
	FaultNullKey FaultKind = "nullKey"
	// FaultRefuseSet answers Fault.Key (every key when empty) of a set
	// request with an error string, HTTP 500, and does not apply it.
	FaultRefuseSet FaultKind = "refuseSet"
	// FaultReset resets the connection (TCP RST) without answering.
	FaultReset FaultKind = "reset"
	// FaultClose closes the connection (FIN) without answering.
	FaultClose FaultKind = "close"
)

// Fault is one injected misbehaviour.
type Fault struct {
	Kind FaultKind
	// Path limits the fault to "status" or "set" requests; "" takes both.
	Path string
	// Count is how many matching requests take the fault; 0 means every
	// one until ClearFaults.
	Count int
	// Key is the key FaultMissingKey leaves out, FaultNullKey nulls or
	// FaultRefuseSet refuses.
	Key string
	// Delay is how long FaultSlow waits (default 1 s); ClearFaults ends
	// the wait early.
	Delay time.Duration
}

func (f Fault) check() error {
	switch f.Kind {
	case FaultHang, FaultSlow, FaultHTTP500, FaultGarbage, FaultTruncated, FaultRefuseSet, FaultReset, FaultClose:
	case FaultMissingKey, FaultNullKey:
		if f.Key == "" {
			return fmt.Errorf("fault %s needs a Key", f.Kind)
		}
	default:
		return fmt.Errorf("unknown fault kind %q", f.Kind)
	}
	if f.Path != "" && f.Path != "status" && f.Path != "set" {
		return fmt.Errorf("fault %s: path %q is not status, set or empty", f.Kind, f.Path)
	}
	if f.Count < 0 || f.Delay < 0 {
		return fmt.Errorf("fault %s: negative count or delay", f.Kind)
	}
	return nil
}

func (f Fault) wire() map[string]any {
	return map[string]any{"kind": string(f.Kind), "path": f.Path, "count": f.Count, "key": f.Key,
		"delayMs": f.Delay.Milliseconds()}
}
