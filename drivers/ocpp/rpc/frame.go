package rpc

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
)

// Message type numbers (Part 4 §4.1.3).
const (
	typeCall       = 2
	typeCallResult = 3
	typeCallError  = 4
)

// maxIDLen is the Part 4 §4.1.4 limit on a messageId.
const maxIDLen = 36

// unknownID answers a frame whose messageId cannot be read. Part 4 leaves
// the id of such a CALLERROR open; "-1" is what OCPP 2.1 prescribes and what
// ocpp-rpc and libocpp send, so peers already recognise it.
const unknownID = "-1"

// frame is one decoded OCPP-J message. Payload and Details are the raw
// elements of the array: they are never parsed here.
type frame struct {
	Type        int
	ID          string
	Action      string          // CALL only
	Payload     json.RawMessage // CALL and CALLRESULT
	Code        string          // CALLERROR only
	Description string          // CALLERROR only
	Details     json.RawMessage // CALLERROR only
}

// frameError is a frame that cannot be processed. ID is the messageId to
// answer with (unknownID when none could be read); Reply is false when the
// frame must be dropped rather than answered, which is the case for any
// broken CALLRESULT or CALLERROR: answering a response invites a loop.
type frameError struct {
	ID    string
	Reply bool
	Err   *Error
}

func (e *frameError) Error() string { return "rpc: bad frame: " + e.Err.Error() }

// decodeFrame parses the array once into raw elements and reads only the
// small header fields from them.
func decodeFrame(data []byte) (frame, *frameError) {
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil {
		return frame{}, rpcErr(unknownID, true, "frame is not a JSON array: %v", err)
	}
	if len(elems) == 0 {
		return frame{}, rpcErr(unknownID, true, "frame is an empty array")
	}
	rawID := json.RawMessage(`null`)
	if len(elems) > 1 {
		rawID = elems[1]
	}
	f := frame{}
	if err := readType(elems[0], &f.Type); err != nil {
		return frame{}, rpcErr(readID(rawID), true, "messageTypeId %s is not an integer", clip(elems[0]))
	}
	id, idOK := readIDStrict(rawID)
	switch f.Type {
	case typeCall:
		return decodeCall(f, elems, id, idOK)
	case typeCallResult:
		if !idOK || len(elems) != 3 {
			return frame{}, rpcErr(id, false, "CALLRESULT needs 3 elements and a string id, got %d elements", len(elems))
		}
		f.ID, f.Payload = id, elems[2]
		return f, nil
	case typeCallError:
		return decodeCallError(f, elems, id, idOK)
	default:
		e := &Error{Code: MessageTypeNotSupported,
			Description: fmt.Sprintf("messageTypeId %d is not supported", f.Type)}
		return frame{}, &frameError{ID: id, Reply: true, Err: e}
	}
}

func decodeCall(f frame, elems []json.RawMessage, id string, idOK bool) (frame, *frameError) {
	if !idOK {
		return frame{}, rpcErr(unknownID, true, "CALL messageId is missing or not a string of 1 to %d characters", maxIDLen)
	}
	if len(elems) != 4 {
		return frame{}, rpcErr(id, true, "CALL has %d elements, want 4", len(elems))
	}
	if err := readString(elems[2], &f.Action); err != nil || f.Action == "" {
		return frame{}, rpcErr(id, true, "CALL action %s is not a non-empty string", clip(elems[2]))
	}
	if !isObject(elems[3]) {
		e := Errorf(FormatViolation, "%s payload is not a JSON object", f.Action)
		return frame{}, &frameError{ID: id, Reply: true, Err: e}
	}
	f.ID, f.Payload = id, elems[3]
	return f, nil
}

func decodeCallError(f frame, elems []json.RawMessage, id string, idOK bool) (frame, *frameError) {
	if !idOK || len(elems) != 5 {
		return frame{}, rpcErr(id, false, "CALLERROR needs 5 elements and a string id, got %d elements", len(elems))
	}
	if json.Unmarshal(elems[2], &f.Code) != nil || json.Unmarshal(elems[3], &f.Description) != nil {
		return frame{}, rpcErr(id, false, "CALLERROR code or description is not a string")
	}
	f.ID, f.Details = id, elems[4]
	return f, nil
}

func rpcErr(id string, reply bool, format string, args ...any) *frameError {
	return &frameError{ID: id, Reply: reply, Err: Errorf(RpcFrameworkError, format, args...)}
}

// readIDStrict accepts only what Part 4 allows as a messageId.
func readIDStrict(raw json.RawMessage) (string, bool) {
	var id string
	if readString(raw, &id) != nil || id == "" || len(id) > maxIDLen {
		return unknownID, false
	}
	return id, true
}

// readID recovers an id to answer with, or unknownID.
func readID(raw json.RawMessage) string {
	id, _ := readIDStrict(raw)
	return id
}

// readType and readString take the fast path for the usual one-digit
// type and plain ASCII strings, and leave the rest to encoding/json.
func readType(raw json.RawMessage, t *int) error {
	if len(raw) == 1 && raw[0] >= '0' && raw[0] <= '9' {
		*t = int(raw[0] - '0')
		return nil
	}
	return json.Unmarshal(raw, t)
}

func readString(raw json.RawMessage, s *string) error {
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' && isPlainBytes(raw[1:n-1]) {
		*s = string(raw[1 : n-1])
		return nil
	}
	return json.Unmarshal(raw, s)
}

func isPlainBytes(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '{'
}

// clip keeps error descriptions short when a peer sends a huge element.
func clip(raw []byte) string {
	const n = 40
	if len(raw) > n {
		return string(raw[:n]) + "…"
	}
	return string(raw)
}

// appendCall, appendResult and appendError build frames without
// reflection: ids and actions are marshalled as JSON strings, payloads are
// already JSON.
func appendCall(b []byte, id, action string, payload []byte) []byte {
	b = append(b, "[2,"...)
	b = appendString(b, id)
	b = append(b, ',')
	b = appendString(b, action)
	b = append(b, ',')
	b = append(b, payload...)
	return append(b, ']')
}

func appendResult(b []byte, id string, payload []byte) []byte {
	b = append(b, "[3,"...)
	b = appendString(b, id)
	b = append(b, ',')
	b = append(b, payload...)
	return append(b, ']')
}

func appendError(b []byte, id string, e *Error) []byte {
	b = append(b, "[4,"...)
	b = appendString(b, id)
	b = append(b, ',')
	b = appendString(b, string(e.Code))
	b = append(b, ',')
	b = appendString(b, e.Description)
	b = append(b, ',')
	details := []byte("{}")
	if len(e.Details) > 0 {
		if d, err := json.Marshal(e.Details); err == nil {
			details = d
		}
	}
	b = append(b, details...)
	return append(b, ']')
}

func appendString(b []byte, s string) []byte {
	if isPlain(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

// isPlain reports whether s needs no JSON escaping, the common case for ids
// and actions, so the fast path skips json.Marshal.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// idPrefix makes ids unique across processes; the counter makes them unique
// within one, so a retry (a new Call) always gets a new id.
var (
	idPrefix  = newIDPrefix()
	idCounter atomic.Uint64
)

func newIDPrefix() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("rpc: no randomness for message ids: %v", err))
	}
	return hex.EncodeToString(b[:]) + "-"
}

// newID returns at most 16+1+13 = 30 characters.
func newID() string {
	return idPrefix + strconv.FormatUint(idCounter.Add(1), 36)
}
