package modbusdev

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

// TestDiscoverTriesUnitsThroughTheProbe: a silent unit is given up after
// one read, an answering unit is matched to the templates whose reads and
// signals work, and a request that cannot be tried is the request's fault.
func TestDiscoverTriesUnitsThroughTheProbe(t *testing.T) {
	spec := v1alpha1.TemplateSpec{Protocol: v1alpha1.ProtocolModbus,
		Read:    &v1alpha1.TemplateRead{Modbus: &v1alpha1.ModbusRead{Blocks: []v1alpha1.ModbusBlock{{Name: "s", Count: 1}}}},
		Signals: map[string]string{"charging": `regs["s"][0] == 3`}}
	m, errs := cel.NewMapping(&spec)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cands := []drivers.Candidate{{Name: "a", Spec: spec, Mapping: m}, {Name: "b", Spec: spec, Mapping: m}}
	var probes []string
	probe := func(_ context.Context, conn v1alpha1.ChargerConnection, c drivers.Candidate) (*drivers.Reading, error) {
		unit := v1alpha1.ConnectionAs[v1alpha1.ModbusRTUConnection](conn).UnitID
		probes = append(probes, c.Name+"@"+string(rune('0'+unit)))
		switch {
		case unit == 1:
			return nil, Classify(&modbus.Error{Kind: modbus.KindNoResponse})
		case c.Name == "b":
			return &drivers.Reading{Input: &cel.Input{}, Failed: []drivers.ReadFailure{{What: `block "s"`,
				Err: Classify(&modbus.Error{Kind: modbus.KindException, Exception: modbus.IllegalDataAddress})}}}, nil
		}
		return &drivers.Reading{Input: &cel.Input{Regs: map[string][]uint16{"s": {3}}}}, nil
	}
	res, err := New().Discover(context.Background(), v1alpha1.ModbusDiscoverRequest{BusRef: "line", Units: []int{1, 2}},
		drivers.DiscoverEnv{Templates: cands, Probe: probe})
	if err != nil {
		t.Fatal(err)
	}
	units := res.(*v1alpha1.ModbusDiscoverResult).Units
	if !slices.Equal(probes, []string{"a@1", "a@2", "b@2"}) {
		t.Errorf("probes %v", probes)
	}
	if units[0].Answered || units[0].Matches != nil || !units[1].Answered || !slices.Equal(units[1].Matches, []string{"a"}) ||
		!strings.Contains(units[1].Mismatches["b"], "illegal data address") {
		t.Errorf("units %+v", units)
	}
	for _, req := range []v1alpha1.ModbusDiscoverRequest{{Units: []int{1}}, {BusRef: "line"}, {BusRef: "line", Units: []int{1}, Templates: []string{"z"}}} {
		_, err := New().Discover(context.Background(), req, drivers.DiscoverEnv{Templates: cands, Probe: probe})
		if !errors.Is(err, drivers.ErrInvalidRequest) {
			t.Errorf("%+v: %v", req, err)
		}
	}
}
