package main

import "testing"

// TestRegisteredConnectionColumn: a Charger of a protocol gwctl knows only
// through the registry shows where its device is, in the protocol's words.
func TestRegisteredConnectionColumn(t *testing.T) {
	v := &view{spec: map[string]any{"connection": map[string]any{"goe": map[string]any{"url": "http://192.168.1.60"}}}}
	if got := chargerConnection(v); got != "goe 192.168.1.60" {
		t.Errorf("got %q", got)
	}
	v = &view{spec: map[string]any{"connection": map[string]any{"canbus": map[string]any{}}}}
	if got := chargerConnection(v); got != "-" {
		t.Errorf("an unknown connection shows %q", got)
	}
}
