package rpc

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestMalformedFrames sends the station every kind of bad frame and checks
// the exact answer (or that nothing is answered), then that a good CALL
// still gets its CALLRESULT on the same connection.
func TestMalformedFrames(t *testing.T) {
	v, noSchemas := findSchemas(t) // only the schema rows need them
	oneMiB := `[2,"big","DataTransfer",{"vendorId":"v","data":"` + strings.Repeat("x", 1<<20) + `"}]`
	tests := []struct {
		name   string
		frame  string
		binary bool
		wantID string    // "" means the frame must be dropped
		want   ErrorCode // the CALLERROR code otherwise
	}{
		{"not JSON", `this is not json`, false, unknownID, RpcFrameworkError},
		{"JSON but not an array", `{"hello":1}`, false, unknownID, RpcFrameworkError},
		{"CALL with 3 elements", `[2,"m1","Reset"]`, false, "m1", RpcFrameworkError},
		{"CALL with 5 elements", `[2,"m2","Reset",{"type":"OnIdle"},{}]`, false, "m2", RpcFrameworkError},
		{"CALL id not a string", `[2,42,"Reset",{"type":"OnIdle"}]`, false, unknownID, RpcFrameworkError},
		{"unknown message type", `[7,"m3","Reset",{}]`, false, "m3", MessageTypeNotSupported},
		{"payload not an object", `[2,"m4","Reset","Immediate"]`, false, "m4", FormatViolation},
		{"field of wrong type", `[2,"m5","Reset",{"type":5}]`, false, "m5", TypeConstraintViolation},
		{"missing required field", `[2,"m6","Reset",{}]`, false, "m6", OccurrenceConstraintViolation},
		{"over-long string", `[2,"m7","DataTransfer",{"vendorId":"` + strings.Repeat("v", 256) + `"}]`, false, "m7", FormatViolation},
		{"unknown property", `[2,"m8","Reset",{"type":"OnIdle","x":1}]`, false, "m8", PropertyConstraintViolation},
		{"unknown action", `[2,"m9","FlyToTheMoon",{}]`, false, "m9", NotImplemented},
		{"1 MiB CALL", oneMiB, false, "big", FormatViolation},
		{"CALLRESULT for unknown id", `[3,"nobody",{}]`, false, "", ""},
		{"CALLERROR for unknown id", `[4,"nobody","GenericError","",{}]`, false, "", ""},
		{"malformed CALLRESULT", `[3,"x"]`, false, "", ""},
		{"binary frame", `[2,"bin","Reset",{"type":"OnIdle"}]`, true, "", ""},
		{"1 MiB CALLRESULT", `[3,"huge",{"d":"` + strings.Repeat("x", 1<<20) + `"}]`, false, "", ""},
	}
	url, peers := startRawPeer(t, true)
	opts := Options{Handler: stationHandler}
	if v != nil {
		opts.Validator = v
	}
	st := dialStation(t, url, "CS-M", opts)
	peer := recvConn(t, peers)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if schemaRows[tc.name] && v == nil {
				t.Skip(noSchemas)
			}
			mt := websocket.TextMessage
			if tc.binary {
				mt = websocket.BinaryMessage
			}
			if err := peer.ws.WriteMessage(mt, []byte(tc.frame)); err != nil {
				t.Fatalf("write: %v", err)
			}
			if tc.wantID != "" {
				got := peer.read(t)
				if len(got) != 5 || string(got[0]) != "4" || str(t, got[1]) != tc.wantID ||
					str(t, got[2]) != string(tc.want) || string(got[4]) != "{}" {
					t.Fatalf("answer %s, want [4,%q,%q,...,{}]", got, tc.wantID, tc.want)
				}
			}
			// A good CALL right after: its answer must be the very next frame,
			// which also proves a dropped frame got no answer.
			peer.write(t, `[2,"ok","Reset",{"type":"Immediate"}]`)
			got := peer.read(t)
			if string(got[0]) != "3" || str(t, got[1]) != "ok" || string(got[2]) != `{"status":"Accepted"}` {
				t.Fatalf("follow-up answer %s, want CALLRESULT for ok", got)
			}
		})
	}
	if st.Err() != nil {
		t.Fatalf("station connection closed: %v", st.Err())
	}
}

// schemaRows are the cases whose answer comes from the Validator.
var schemaRows = map[string]bool{"field of wrong type": true, "missing required field": true,
	"over-long string": true, "unknown property": true, "unknown action": true}

// TestHugeFrameKeepsLink: a frame of any size over MaxMessageSize is
// drained without buffering and answered; the link stays up (a 5 MB frame
// from a CSMS used to close it with 1009).
func TestHugeFrameKeepsLink(t *testing.T) {
	url, peers := startRawPeer(t, true)
	st := dialStation(t, url, "CS-B", Options{})
	peer := recvConn(t, peers)
	for _, size := range []int{128 << 10, 1 << 20, 5 << 20} {
		id := fmt.Sprintf("big%d", size)
		peer.write(t, `[2,"`+id+`","Reset",{"d":"`+strings.Repeat("x", size)+`"}]`)
		if got := peer.read(t); str(t, got[1]) != id || str(t, got[2]) != string(FormatViolation) {
			t.Fatalf("%d-byte frame answered %s, want FormatViolation for %s", size, got, id)
		}
	}
	peer.write(t, `[2,"after","Reset",{}]`)
	if got := peer.read(t); str(t, got[1]) != "after" {
		t.Fatalf("CALL after the huge frames answered %s", got)
	}
	if err := st.Err(); err != nil {
		t.Fatalf("connection closed by a huge frame: %v", err)
	}
}

// TestTooManyQueuedCalls: a peer that does not wait for answers gets
// RpcFrameworkError past MaxQueuedCalls, the queued ones are answered.
func TestTooManyQueuedCalls(t *testing.T) {
	url, peers := startRawPeer(t, true)
	release := make(chan struct{})
	st := dialStation(t, url, "CS-Q", Options{MaxQueuedCalls: 1, Handler: blockingHandler(release)})
	peer := recvConn(t, peers)
	peer.write(t, `[2,"q1","Reset",{}]`) // taken by the handler goroutine, blocks
	for {
		// Wait until q1 left the queue; then q2 queues and q3 overflows.
		st.mu.Lock()
		busy := st.serving && len(st.inbox) == 0
		st.mu.Unlock()
		if busy {
			break
		}
		time.Sleep(time.Millisecond)
	}
	peer.write(t, `[2,"q2","Reset",{}]`)
	peer.write(t, `[2,"q3","Reset",{}]`)
	got := peer.read(t)
	if str(t, got[1]) != "q3" || str(t, got[2]) != string(RpcFrameworkError) {
		t.Fatalf("overflow answered %s, want RpcFrameworkError for q3", got)
	}
	close(release)
	for _, id := range []string{"q1", "q2"} {
		if got := peer.read(t); string(got[0]) != "3" || str(t, got[1]) != id {
			t.Fatalf("got %s, want CALLRESULT for %s", got, id)
		}
	}
}
