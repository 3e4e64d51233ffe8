package gocsms

import (
	"bytes"
	"encoding/json"
)

// rawWaiter is a Send waiting for the bytes of its answer. ocpp-go parses
// an answer into its own type of the action's response, which drops what
// that type lacks (its GetCompositeScheduleResponse has the schedule of an
// OCPP 2.0 draft), so SendRaw takes the answer as the station sent it.
type rawWaiter struct {
	station, action string
	payload         []byte // the request as json.Marshal encodes it, compacted
	id              string // the CALL's message id, once ocpp-go sent it
	answer          json.RawMessage
	answered        chan struct{} // closed when answer is set (or a CALLERROR came)
}

// waitRaw registers a waiter for the answer to req, about to be handed to
// ocpp-go for station.
func (c *CSMS) waitRaw(station, action string, payload []byte) *rawWaiter {
	w := &rawWaiter{station: station, action: action, payload: compact(payload), answered: make(chan struct{})}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers.raw = append(c.answers.raw, w)
	return w
}

// dropRaw forgets w once its Send has returned.
func (c *CSMS) dropRaw(w *rawWaiter) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.answers.raw {
		if x == w {
			c.answers.raw = append(c.answers.raw[:i], c.answers.raw[i+1:]...)
			return
		}
	}
}

// callSent ties the first waiter for this very request (station, action
// and payload bytes: ocpp-go encodes the request with json.Marshal too) to
// the message id ocpp-go gave the CALL. Identical requests waiting at once
// are interchangeable, and ocpp-go sends them in order. c.mu is held.
func (c *CSMS) callSent(key callKey, f frame) {
	p := compact(f.payload)
	for _, w := range c.answers.raw {
		if w.id == "" && w.station == key.station && w.action == f.action && bytes.Equal(w.payload, p) {
			w.id = key.id
			return
		}
	}
}

// answerRaw gives an answer's bytes to the waiter of its CALL; c.mu is held.
func (c *CSMS) answerRaw(key callKey, f frame) {
	for _, w := range c.answers.raw {
		if w.id == key.id && w.station == key.station {
			if f.kind == 3 {
				w.answer = append(json.RawMessage(nil), f.payload...)
			}
			w.id = "\x00answered" // never matches a message id again
			close(w.answered)
			return
		}
	}
}

func compact(b []byte) []byte {
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return b
	}
	return out.Bytes()
}
