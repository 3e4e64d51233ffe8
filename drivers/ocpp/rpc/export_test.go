package rpc

import (
	"encoding/json"
	"testing"
)

// Bridges for the external tests (package rpc_test). Those may import
// drivers/ocpp, which imports this package, so the tests that need the
// 2.0.1 messages (the frame redactor) live there.

// RawPeer is the raw CSMS of helpers_test.go.
type RawPeer = rawPeer

// StartRawPeer is startRawPeer.
func StartRawPeer(t *testing.T, answerPings bool) (string, <-chan *RawPeer) {
	return startRawPeer(t, answerPings)
}

// DialStation is dialStation.
func DialStation(t testing.TB, url, id string, opts Options) *Conn {
	return dialStation(t, url, id, opts)
}

// RecvPeer waits for the next peer.
func RecvPeer(t *testing.T, ch <-chan *RawPeer) *RawPeer { return recvConn(t, ch) }

// Read returns the next frame's array elements.
func (p *rawPeer) Read(t *testing.T) []json.RawMessage { return p.read(t) }

// Write sends one frame.
func (p *rawPeer) Write(t *testing.T, frame string) { p.write(t, frame) }
