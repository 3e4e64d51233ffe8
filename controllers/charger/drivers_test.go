package charger

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// exampleTemplate returns a Template of examples/site.yaml, merged with the
// template it extends.
func exampleTemplate(t testing.TB, name string) v1alpha1.TemplateSpec {
	t.Helper()
	docs, err := manifest.ReadFiles([]string{"../../examples/site.yaml"}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	specs := map[string]v1alpha1.TemplateSpec{}
	for _, d := range docs {
		if d.Object.Kind == "Template" {
			var s v1alpha1.TemplateSpec
			if err := yaml.Unmarshal(d.Object.Spec, &s); err != nil {
				t.Fatal(err)
			}
			specs[d.Object.Metadata.Name] = s
		}
	}
	s, ok := specs[name]
	if !ok {
		t.Fatalf("no template %q in the examples", name)
	}
	if s.Extends != "" {
		return v1alpha1.MergeTemplate(specs[s.Extends], s)
	}
	return s
}

// openSimABB serves a simulated ABB Terra AC on loopback and opens it
// through the real Modbus TCP driver with the example template's reads.
// Everything is closed when the test ends.
func openSimABB(t testing.TB, now time.Time) (*sim.Charger, Device, *cel.Mapping) {
	t.Helper()
	c := sim.NewCharger(sim.Config{MaxCurrentA: 32, Phases: 3}, now)
	srv, err := sim.ServeTCP("127.0.0.1:0", &sim.ABB{C: c, Unit: 1, Serial: "TAC1"}, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	host, port := splitHostPort(t, srv.Addr)
	tpl := exampleTemplate(t, "abb-terra-ac")
	mapping, errs := cel.NewMapping(&tpl)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d := NewDrivers(nil)
	t.Cleanup(func() { d.Close() })
	unit := 1
	dev, err := d.Open(context.Background(), DeviceConfig{Charger: "abb",
		Connection: v1alpha1.NewConnection(v1alpha1.ConnModbusTCP, &v1alpha1.ModbusTCPConnection{Host: host, Port: port, UnitID: &unit, Timeout: "1s"}),
		Read:       tpl.Read})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	return c, dev, mapping
}

// TestABBTemplateOverModbusTCP reads the simulated ABB Terra AC through the
// real Modbus TCP driver and the example template, and drives its current
// limit through the template's command.
func TestABBTemplateOverModbusTCP(t *testing.T) {
	now := time.Now()
	c, dev, mapping := openSimABB(t, now)
	c.Plug(true)
	c.Step(now.Add(time.Second))
	rd, err := dev.Read(context.Background())
	if err != nil || len(rd.Failed) > 0 {
		t.Fatal(err, rd)
	}
	in := rd.Input
	signals, evalErrs := mapping.EvalSignals(in)
	if len(evalErrs) > 0 {
		t.Fatal(evalErrs)
	}
	want := map[string]any{"evConnected": true, "charging": true, "suspended": false, "faulted": false, "operative": true,
		"currentLimitA": 32.0, "currentA1": 32.0, "voltageV1": 230.0, "powerW": 32.0 * 230 * 3}
	for k, v := range want {
		if signals[k] != v {
			t.Errorf("%s = %v, want %v", k, signals[k], v)
		}
	}
	writes, err := mapping.EvalCommand("setCurrentLimit", in, cel.Args{LimitA: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Write(context.Background(), writes); err != nil {
		t.Fatal(err)
	}
	if s := c.Snapshot(); s.SetpointA != 10 {
		t.Fatalf("setpoint after setCurrentLimit(10): %v", s.SetpointA)
	}
	c.SetFault(sim.FaultException)
	// The device answers, with an error: a reading whose blocks all failed
	// as device errors, not a device that is gone.
	rd, err = dev.Read(context.Background())
	if err != nil || len(rd.Failed) != 2 || len(rd.Input.Regs) != 0 {
		t.Fatalf("read of a device answering exceptions: %v %+v", err, rd)
	}
	for _, f := range rd.Failed {
		if faultReason(f.Err) != ReasonDeviceError || !strings.Contains(f.What, "block") {
			t.Fatalf("failed read %s: %v is %s, want %s", f.What, f.Err, faultReason(f.Err), ReasonDeviceError)
		}
	}
	if err := dev.Write(context.Background(), writes); !errors.Is(err, ErrRejected) {
		t.Fatalf("a refused write: %v", err)
	}
}

func splitHostPort(t testing.TB, addr string) (string, int) {
	t.Helper()
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return ap.Addr().String(), int(ap.Port())
}

// TestEchonetTimeoutPerCharger: the charger's connection timeout is the
// wait per try of its requests on the shared ECHONET Lite client.
func TestEchonetTimeoutPerCharger(t *testing.T) {
	silent, err := net.ListenPacket("udp", "127.0.0.1:0") // reads nothing, answers nothing
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	d := NewDrivers(map[string]any{v1alpha1.ProtocolEchonet: echonet.Config{ListenAddr: "127.0.0.1:0", Group: silent.LocalAddr().String(), Retries: -1}})
	defer d.Close()
	dev, err := d.Open(context.Background(), DeviceConfig{Charger: "el",
		Connection: v1alpha1.NewConnection(v1alpha1.ConnEchonet, &v1alpha1.EchonetConnection{Address: "127.0.0.1", EOJ: "0x02A101",
			Port: silent.LocalAddr().(*net.UDPAddr).Port, Timeout: "40ms"}),
		Read: &v1alpha1.TemplateRead{Echonet: &v1alpha1.EchonetRead{EPCs: []string{"0x80"}}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = dev.Read(context.Background())
	var te *echonet.TimeoutError
	if faultReason(err) != ReasonNotResponding || !errors.As(err, &te) || te.Wait != 40*time.Millisecond {
		t.Fatalf("read of a silent EL device: %v, want a timeout after one 40ms try", err)
	}
}
