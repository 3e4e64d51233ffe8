package main

import (
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
)

// The transports a simulated model is served over.
const (
	transportTCP = "modbus-tcp" // one Modbus TCP server per device
	transportRTU = "modbus-rtu" // units 1..N on one pty bus
	transportEL  = "echonet"    // instances 1..N of a class on one EL node
	transportGoE = "goe-http"   // one go-e HTTP API v2 server per device
)

// model is one simulated charger model: how it is served and its hardware.
type model struct {
	transport string
	// newMap builds the register map of the n-th device (1-based) of a
	// Modbus model; on the RTU bus n is also its unit id.
	newMap func(c *sim.Charger, serial string, n int) sim.RegisterMap
	// class is the ECHONET Lite class of an EL model.
	class  uint16
	config sim.Config
}

// models are the simulated charger models. Watchdogs follow devices.md §4:
// Alfen's setpoint validity (60 s), KEBA's failsafe timeout (20 s, as the
// example template writes it), Schneider's lifebit (written every 2 s).
// Only the KEBA P30 has an RFID reader: devices.md documents a UID register
// (1500) for no other simulated model.
var models = map[string]model{
	"abb-terra-ac": {transport: transportTCP, config: sim.Config{MaxCurrentA: 32, Phases: 3},
		newMap: func(c *sim.Charger, serial string, _ int) sim.RegisterMap {
			return &sim.ABB{C: c, Unit: 1, Serial: serial}
		}},
	"abb-terra-ac-rtu": {transport: transportRTU, config: sim.Config{MaxCurrentA: 32, Phases: 3},
		newMap: func(c *sim.Charger, serial string, n int) sim.RegisterMap {
			return &sim.ABB{C: c, Unit: uint8(n), Serial: serial}
		}},
	"alfen-eve": {transport: transportTCP, config: sim.Config{MaxCurrentA: 16, Phases: 3, SafeCurrentA: 6, Watchdog: 60 * time.Second},
		newMap: func(c *sim.Charger, serial string, _ int) sim.RegisterMap { return &sim.Alfen{C: c, Serial: serial} }},
	"keba-p30": {transport: transportTCP, config: sim.Config{MaxCurrentA: 32, Phases: 3, SafeCurrentA: 6, Watchdog: 20 * time.Second, RFIDReader: true},
		newMap: func(c *sim.Charger, _ string, n int) sim.RegisterMap {
			return &sim.KEBA{C: c, Serial: uint32(20000000 + n)}
		}},
	"schneider-evlink": {transport: transportTCP, config: sim.Config{MaxCurrentA: 32, Phases: 3, SafeCurrentA: 6, Watchdog: 10 * time.Second},
		newMap: func(c *sim.Charger, _ string, _ int) sim.RegisterMap { return &sim.Schneider{C: c} }},
	"el-02a1": {transport: transportEL, class: sim.ClassEVCharger, config: sim.Config{MaxCurrentA: 32, Phases: 1, VoltageV: 200}},
	"el-027e": {transport: transportEL, class: sim.ClassV2H, config: sim.Config{MaxCurrentA: 32, Phases: 1, VoltageV: 200}},

	// A go-e Charger (V3, 22 kW) served over its local HTTP API v2.
	"goe-charger": {transport: transportGoE, config: sim.Config{MaxCurrentA: 32, Phases: 3}},
}

func modelNames() []string {
	var n []string
	for k := range models {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}
