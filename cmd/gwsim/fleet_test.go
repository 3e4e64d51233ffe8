package main

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	smb "github.com/simonvetter/modbus"

	"github.com/ocppgw/ocppgw/drivers/echonet"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// TestRunMixedFleet runs every transport at once: Modbus TCP servers, RTU
// units on one pty bus, and EL instances on one node, each reachable at the
// address `gwsim run` printed and following `gwsim ctl plug`.
func TestRunMixedFleet(t *testing.T) {
	control, addrs := startSim(t, "keba-p30:1,schneider-evlink:1,el-02a1:2,el-027e:1,abb-terra-ac-rtu:2", 7)
	if len(addrs) != 7 || addrs["el-02a1-2"] != addrs["el-027e-1"] || addrs["abb-terra-ac-rtu-1"] != addrs["abb-terra-ac-rtu-2"] {
		t.Fatalf("addresses %v: EL devices share one node, RTU units one bus", addrs)
	}
	for _, name := range []string{"keba-p30-1", "el-02a1-2", "abb-terra-ac-rtu-2"} {
		if out, code := ctl(t, control, "plug", name); code != 0 {
			t.Fatalf("ctl plug %s: %s", name, out)
		}
	}
	cl, err := smb.NewClient(&smb.ClientConfiguration{URL: "tcp://" + addrs["keba-p30-1"], Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Open(); err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	cl.SetUnitId(255)
	if v, err := cl.ReadUint32(1004, smb.HOLDING_REGISTER); err != nil || v != 7 {
		t.Errorf("keba cable state %d (%v), want 7", v, err)
	}

	arb, err := modbus.OpenBus(modbus.BusConfig{Device: addrs["abb-terra-ac-rtu-2"], BaudRate: 19200, Parity: "none", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer arb.Close()
	res, err := arb.ReadBlocks(context.Background(), 2, []modbus.Block{{Name: "lock", Address: 0x400A, Count: 2}})
	if err != nil || res[0].Values[1] != 0x0101 {
		t.Errorf("rtu unit 2 lock state %v (%v), want plugged", res, err)
	}

	el, err := echonet.NewClient(echonet.Config{ListenAddr: "127.0.0.1:0", Group: "127.0.0.1:9", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer el.Close()
	to := netip.MustParseAddrPort(addrs["el-02a1-2"])
	eoj, _ := echonet.ParseEOJ("02A102")
	// The EL table catches up with the charger on the next tick.
	for {
		props, err := el.Get(context.Background(), to, eoj, 0xC7)
		if err != nil {
			t.Fatal(err)
		}
		if props[0].EDT[0] == 0x41 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if out, code := ctl(t, control, "list"); code != 0 || !strings.Contains(out, "el-027e-1") {
		t.Fatalf("ctl list: %s", out)
	}
}
