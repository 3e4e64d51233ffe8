package rpc

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/internal/memcheck"
)

func TestDecodeFrame(t *testing.T) {
	long := strings.Repeat("x", maxIDLen+1)
	tests := []struct {
		name      string
		in        string
		wantType  int
		wantID    string
		wantCode  ErrorCode // "" means the frame decodes
		wantReply bool
	}{
		{"call", `[2,"a1","Heartbeat",{}]`, typeCall, "a1", "", false},
		{"call with spaces", ` [ 2 , "a1" , "Heartbeat" , { "x" : 1 } ] `, typeCall, "a1", "", false},
		{"result", `[3,"a1",{"currentTime":"x"}]`, typeCallResult, "a1", "", false},
		{"error", `[4,"a1","NotImplemented","no",{}]`, typeCallError, "a1", "", false},
		{"not json", `hello`, 0, unknownID, RpcFrameworkError, true},
		{"not array", `{"a":1}`, 0, unknownID, RpcFrameworkError, true},
		{"truncated", `[2,"a1","Heartbeat",{`, 0, unknownID, RpcFrameworkError, true},
		{"too short", `[2,"a1"]`, 0, "a1", RpcFrameworkError, true},
		{"only type", `[2]`, 0, unknownID, RpcFrameworkError, true},
		{"only unknown type", `[9]`, 0, unknownID, MessageTypeNotSupported, true},
		{"empty", `[]`, 0, unknownID, RpcFrameworkError, true},
		{"result too short", `[3,"a1"]`, 0, "a1", RpcFrameworkError, false},
		{"type not number", `["2","a1","Heartbeat",{}]`, 0, "a1", RpcFrameworkError, true},
		{"unknown type", `[5,"a1","Heartbeat",{}]`, 0, "a1", MessageTypeNotSupported, true},
		{"unknown type no id", `[7,1,2]`, 0, unknownID, MessageTypeNotSupported, true},
		{"call 3 elems", `[2,"a1","Heartbeat"]`, 0, "a1", RpcFrameworkError, true},
		{"call 5 elems", `[2,"a1","Heartbeat",{},1]`, 0, "a1", RpcFrameworkError, true},
		{"call numeric id", `[2,17,"Heartbeat",{}]`, 0, unknownID, RpcFrameworkError, true},
		{"call id too long", `[2,"` + long + `","Heartbeat",{}]`, 0, unknownID, RpcFrameworkError, true},
		{"call action not string", `[2,"a1",5,{}]`, 0, "a1", RpcFrameworkError, true},
		{"call empty action", `[2,"a1","",{}]`, 0, "a1", RpcFrameworkError, true},
		{"call payload array", `[2,"a1","Heartbeat",[]]`, 0, "a1", FormatViolation, true},
		{"call payload null", `[2,"a1","Heartbeat",null]`, 0, "a1", FormatViolation, true},
		{"result 4 elems", `[3,"a1",{},{}]`, 0, "a1", RpcFrameworkError, false},
		{"result numeric id", `[3,1,{}]`, 0, unknownID, RpcFrameworkError, false},
		{"error 4 elems", `[4,"a1","X","y"]`, 0, "a1", RpcFrameworkError, false},
		{"error code not string", `[4,"a1",1,"y",{}]`, 0, "a1", RpcFrameworkError, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, fe := decodeFrame([]byte(tc.in))
			if tc.wantCode == "" {
				if fe != nil {
					t.Fatalf("decode %s: %v", tc.in, fe)
				}
				if f.Type != tc.wantType || f.ID != tc.wantID {
					t.Fatalf("got type %d id %q, want %d %q", f.Type, f.ID, tc.wantType, tc.wantID)
				}
				return
			}
			if fe == nil {
				t.Fatalf("decode %s: no error, want %s", tc.in, tc.wantCode)
			}
			if fe.Err.Code != tc.wantCode || fe.ID != tc.wantID || fe.Reply != tc.wantReply {
				t.Fatalf("got %s id %q reply %v, want %s id %q reply %v",
					fe.Err.Code, fe.ID, fe.Reply, tc.wantCode, tc.wantID, tc.wantReply)
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	odd := "quote\" back\\ <tag> ü \n"
	call := appendCall(nil, "id1", "Boot\"Notification", []byte(`{"a":1}`))
	res := appendResult(nil, "id2", []byte(`{}`))
	cerr := appendError(nil, "id3", &Error{Code: NotSupported, Description: odd,
		Details: map[string]any{"k": "v"}})
	for _, b := range [][]byte{call, res, cerr} {
		if !json.Valid(b) {
			t.Fatalf("invalid JSON frame %s", b)
		}
	}
	f, fe := decodeFrame(call)
	if fe != nil || f.Action != "Boot\"Notification" || string(f.Payload) != `{"a":1}` {
		t.Fatalf("call round trip: %+v %v", f, fe)
	}
	f, fe = decodeFrame(cerr)
	if fe != nil || f.Description != odd || string(f.Details) != `{"k":"v"}` {
		t.Fatalf("error round trip: %+v %v", f, fe)
	}
}

func TestNewIDUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 10000 {
		id := newID()
		if len(id) > maxIDLen || seen[id] {
			t.Fatalf("id %q repeated or longer than %d", id, maxIDLen)
		}
		seen[id] = true
	}
}

func TestCallIDFromPrefix(t *testing.T) {
	tests := []struct {
		in     string
		id     string
		isCall bool
	}{
		{`[2,"abc","Heartbeat",{"x":"` + strings.Repeat("y", 100), "abc", true},
		{`[3,"abc",{"x":"`, unknownID, false},
		{`[2, 5, "Heartbeat"`, unknownID, true},
		{`garbage`, unknownID, false},
	}
	for _, tc := range tests {
		id, isCall := callIDFromPrefix([]byte(tc.in))
		if id != tc.id || isCall != tc.isCall {
			t.Errorf("%.30s: got %q %v, want %q %v", tc.in, id, isCall, tc.id, tc.isCall)
		}
	}
}

// FuzzDecodeFrame checks that no input panics, that every failure names a
// Part 4 code and an id to answer with, and that a decoded frame re-encodes
// to one that decodes the same way.
func FuzzDecodeFrame(f *testing.F) {
	for _, s := range []string{
		`[2,"a1","Heartbeat",{}]`, `[3,"a1",{}]`, `[4,"a1","NotImplemented","",{}]`,
		`[5,"a"]`, `[]`, `null`, `[2,"a1","X",[]]`, `[2,1e400,"X",{}]`, `["\ud800",1,2]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var fr frame
		var fe *frameError
		if n := memcheck.Allocated(func() { fr, fe = decodeFrame(data) }); n > 64*uint64(len(data))+64<<10 {
			t.Fatalf("decoding a %d-byte frame allocated %d bytes", len(data), n)
		}
		if fe != nil {
			if fe.Err == nil || fe.Err.Code == "" || fe.ID == "" || len(fe.ID) > maxIDLen {
				t.Fatalf("bad frameError %+v for %q", fe, data)
			}
			if !json.Valid(appendError(nil, fe.ID, fe.Err)) {
				t.Fatalf("answer to %q is not JSON", data)
			}
			return
		}
		// The fast paths must agree with encoding/json.
		var elems []json.RawMessage
		var id, action string
		_ = json.Unmarshal(data, &elems)
		_ = json.Unmarshal(elems[1], &id)
		if fr.Type == typeCall {
			_ = json.Unmarshal(elems[2], &action)
		}
		if id != fr.ID || action != fr.Action {
			t.Fatalf("decoded id %q action %q, encoding/json says %q %q", fr.ID, fr.Action, id, action)
		}
		var again []byte
		switch fr.Type {
		case typeCall:
			again = appendCall(nil, fr.ID, fr.Action, fr.Payload)
		case typeCallResult:
			again = appendResult(nil, fr.ID, fr.Payload)
		case typeCallError:
			again = appendError(nil, fr.ID, &Error{Code: ErrorCode(fr.Code), Description: fr.Description})
		default:
			t.Fatalf("decoded unknown type %d from %q", fr.Type, data)
		}
		fr2, fe2 := decodeFrame(again)
		if fe2 != nil || fr2.Type != fr.Type || fr2.ID != fr.ID || fr2.Action != fr.Action || fr2.Code != fr.Code {
			t.Fatalf("re-encoded %q decodes as %+v %v, want %+v", again, fr2, fe2, fr)
		}
	})
}
