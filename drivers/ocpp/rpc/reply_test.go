package rpc

import (
	"context"
	"encoding/json"
	"testing"
)

// TestReplyThenRunsAfterTheAnswer: a station whose handler follows its
// answer with a CALL of its own (TriggerMessage) puts the CALLRESULT on the
// wire first. Then starts the CALL from another goroutine at once, so a
// Then that ran before the answer was written would show up as the CALL
// arriving first.
func TestReplyThenRunsAfterTheAnswer(t *testing.T) {
	url, peers := startRawPeer(t, true)
	var conn *Conn
	started := make(chan struct{})
	handler := func(ctx context.Context, action string, _ json.RawMessage) (any, error) {
		return Reply{Payload: map[string]string{"status": "Accepted"}, Then: func() {
			go func() {
				close(started)
				conn.Call(context.Background(), "Heartbeat", map[string]any{})
			}()
		}}, nil
	}
	conn = dialStation(t, url, "ST-REPLY", Options{Handler: handler})
	p := recvConn(t, peers)
	p.write(t, `[2,"t1","TriggerMessage",{"requestedMessage":"Heartbeat"}]`)
	first := p.read(t)
	if string(first[0]) != "3" || str(t, first[1]) != "t1" {
		t.Fatalf("first frame %s, want the CALLRESULT of t1", first)
	}
	<-started
	second := p.read(t)
	if string(second[0]) != "2" || str(t, second[2]) != "Heartbeat" {
		t.Fatalf("second frame %s, want the Heartbeat CALL", second)
	}
}

// TestReplyThenSkippedOnError: a Reply whose payload fails validation
// becomes an InternalError and its Then does not run.
func TestReplyThenSkippedOnError(t *testing.T) {
	url, peers := startRawPeer(t, true)
	ran := make(chan struct{}, 1)
	handler := func(context.Context, string, json.RawMessage) (any, error) {
		return Reply{Payload: func() {}, Then: func() { ran <- struct{}{} }}, nil // a func does not encode
	}
	dialStation(t, url, "ST-REPLY2", Options{Handler: handler})
	p := recvConn(t, peers)
	p.write(t, `[2,"t2","Reset",{"type":"Immediate"}]`)
	if f := p.read(t); string(f[0]) != "4" || str(t, f[2]) != "InternalError" {
		t.Fatalf("answer %s, want InternalError", f)
	}
	select {
	case <-ran:
		t.Fatal("Then ran for an answer that was not sent")
	default:
	}
}
