//go:build linux

package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station"
	"github.com/ocppgw/ocppgw/drivers/ocpp/strictcsms"
)

// commandsThroughPeers checks, before the fault sweep, that what the CSMS
// asks reaches the devices and that it hears Accepted only for what they
// took. ChangeAvailability Inoperative on an ECHONET Lite charger whose EV
// left (so no session is open) sets
// 0x80 OFF at the peer and is Accepted (and Operative sets it back); on one
// that refuses the Set (SetC_SNA) or does not answer it, it is Rejected. On
// a KEBA that is charging it is Scheduled and nothing is written to 5014
// yet. A template tried on the wrong device names the exception and its
// meaning.
func commandsThroughPeers(t *testing.T, d *daemon, csms *strictcsms.CSMS, devs []*sweepDevice) {
	t.Helper()
	var keba, el *sweepDevice
	for _, dv := range devs {
		switch {
		case keba == nil && dv.template == "keba-p30":
			keba = dv
		case el == nil && dv.template == "echonet-ev-charger":
			el = dv
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	change := func(dv *sweepDevice, status string) string {
		t.Helper()
		res, err := csms.Call(ctx, "SW-"+strings.ToUpper(dv.name), "ChangeAvailability", map[string]any{"operationalStatus": status})
		if err != nil {
			t.Fatalf("ChangeAvailability %s on %s: %v", status, dv.name, err)
		}
		return string(res)
	}

	// AutoStart releases the KEBA (start: 5004, then 5014=1) once it has
	// read it; only after that may 5014 be counted.
	waitCharger(t, d, keba.name, "the AutoStart release", func(st v1alpha1.ChargerStatus) bool {
		c := v1alpha1.FindCondition(st.Conditions, station.ConditionChargingControl)
		return c != nil && c.Reason == "Commanded" && strings.HasPrefix(c.Message, "start took effect")
	})
	before := keba.count(t, 5014)
	if got := change(keba, "Inoperative"); !strings.Contains(got, `"Scheduled"`) {
		t.Fatalf("ChangeAvailability Inoperative on %s, which is charging: %s", keba.name, got)
	}
	if after := keba.count(t, 5014); after != before {
		t.Fatalf("%s: %d writes to 5014 while the change is only scheduled", keba.name, after-before)
	}
	if got := change(keba, "Operative"); !strings.Contains(got, `"Accepted"`) {
		t.Fatalf("ChangeAvailability Operative on %s: %s", keba.name, got)
	}

	// The EL charger's EV leaves first: with it plugged in, a session is
	// open and Inoperative would be Scheduled (G03.FR.05).
	if err := el.inject("value OBJ c7 30"); err != nil {
		t.Fatal(err)
	}
	waitNoSession(t, d, el.name)
	defer func() {
		if err := el.inject("value OBJ c7 41"); err != nil {
			t.Error(err)
		}
	}()
	for _, status := range []string{"Inoperative", "Operative"} {
		if got := change(el, status); !strings.Contains(got, `"Accepted"`) {
			t.Fatalf("ChangeAvailability %s on %s: %s", status, el.name, got)
		}
		sets := 0
		for _, s := range el.node.seen(t) {
			if s.ESV == "61" && s.DEOJ == "02a101" && slices.Contains(s.EPCs, "80") {
				sets++
			}
		}
		if sets != 1 {
			t.Fatalf("ChangeAvailability %s on %s: the peer saw %d SetC of 0x80, want 1", status, el.name, sets)
		}
		if err := el.clear(); err != nil { // reset also clears the peer's request log
			t.Fatal(err)
		}
	}

	for _, fault := range []string{"refuse OBJ 80", "silent OBJ"} {
		if err := el.inject(fault); err != nil {
			t.Fatal(err)
		}
		got := change(el, "Inoperative")
		if err := el.clear(); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got, `"Rejected"`) {
			t.Fatalf("ChangeAvailability Inoperative on %s with %q: %s, want Rejected", el.name, fault, got)
		}
		t.Logf("ChangeAvailability Inoperative, EL device with %q: %s", fault, got)
	}

	proxy := strings.TrimSuffix(strings.TrimPrefix(devs[0].conn, "{modbusTCP: {host: 127.0.0.1, port: "), ", unitId: 1}}")
	out, errOut, code := d.gwctl(t, nil, "mapping", "test", "--template", "keba-p30", "--modbus-tcp", "127.0.0.1:"+proxy, "--unit", "1")
	if code != 0 || !strings.Contains(out, "DeviceError") || !strings.Contains(out, "exception 0x02 illegal data address") {
		t.Fatalf("KEBA template on an ABB: exit %d\n%s%s", code, out, errOut)
	}
}

// requests is the requests the device's proxy saw for its unit.
func (dv *sweepDevice) requests(t *testing.T) int {
	t.Helper()
	n, err := dv.requestsSeen()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// count is the writes the device's proxy saw to addr.
func (dv *sweepDevice) count(t *testing.T, addr int) int {
	t.Helper()
	n, err := dv.writesTo(addr)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// seen returns the requests the EL node received since its last reset.
func (nd *elNode) seen(t *testing.T) []struct {
	ESV  string   `json:"esv"`
	DEOJ string   `json:"deoj"`
	EPCs []string `json:"epcs"`
} {
	t.Helper()
	l, err := nd.peer.do("seen")
	if err != nil {
		t.Fatal(err)
	}
	var out []struct {
		ESV  string   `json:"esv"`
		DEOJ string   `json:"deoj"`
		EPCs []string `json:"epcs"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(l, "SEEN ")), &out); err != nil {
		t.Fatalf("EL peer log %q: %v", l, err)
	}
	return out
}

// waitNoSession waits until no session of the charger is open in gwd.
func waitNoSession(t *testing.T, d *daemon, charger string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		list, err := d.client(t).List(context.Background(), "Transaction", v1alpha1.ChargerLabel+"="+charger)
		if err != nil {
			t.Fatal(err)
		}
		open := 0
		for i := range list.Items {
			tr, err := v1alpha1.DecodeTransaction(&list.Items[i])
			if err != nil {
				t.Fatal(err)
			}
			if tr.Status.State != v1alpha1.TransactionEnded {
				open++
			}
		}
		if open == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d sessions still open", charger, open)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
