package charger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers/modbusdev"
)

// fakeDevice is a recording device: the test sets what reads return and
// sees every read, write and close. It stands for a Modbus device: read
// errors are classified as the Modbus driver classifies them.
type fakeDevice struct {
	mu      sync.Mutex
	regs    map[string][]uint16
	readErr error
	failed  []ReadFailure
	delay   time.Duration // each read takes this long
	reads   int
	writes  [][]cel.Write
	wErr    error
	closed  bool
	cfg     DeviceConfig
}

func (d *fakeDevice) Read(context.Context) (*Reading, error) {
	d.mu.Lock()
	if delay := d.delay; delay > 0 {
		d.mu.Unlock()
		time.Sleep(delay)
		d.mu.Lock()
	}
	defer d.mu.Unlock()
	d.reads++
	if d.readErr != nil {
		return nil, modbusdev.Classify(d.readErr)
	}
	regs := map[string][]uint16{}
	for k, v := range d.regs {
		regs[k] = append([]uint16(nil), v...)
	}
	failed := slices.Clone(d.failed)
	for i := range failed {
		failed[i].Err = modbusdev.Classify(failed[i].Err)
	}
	return &Reading{Input: &cel.Input{Regs: regs}, Failed: failed}, nil
}

func (d *fakeDevice) Write(_ context.Context, w []cel.Write) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.writes = append(d.writes, w)
	return d.wErr
}

func (d *fakeDevice) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	return nil
}

func (d *fakeDevice) set(f func(d *fakeDevice)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f(d)
}

// fakeOpener hands out one fakeDevice per open, so a swap is visible.
type fakeOpener struct {
	mu      sync.Mutex
	opened  []*fakeDevice
	openErr error
	initial map[string][]uint16
}

func (o *fakeOpener) Open(_ context.Context, cfg DeviceConfig) (Device, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.openErr != nil {
		return nil, o.openErr
	}
	d := &fakeDevice{regs: o.initial, cfg: cfg}
	o.opened = append(o.opened, d)
	return d, nil
}

func (o *fakeOpener) device(i int) *fakeDevice {
	o.mu.Lock()
	defer o.mu.Unlock()
	if i >= len(o.opened) {
		return nil
	}
	return o.opened[i]
}

func (o *fakeOpener) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.opened)
}

var modbusTemplate = v1alpha1.TemplateSpec{
	Protocol: v1alpha1.ProtocolModbus,
	Read:     &v1alpha1.TemplateRead{Modbus: &v1alpha1.ModbusRead{Blocks: []v1alpha1.ModbusBlock{{Name: "s", Address: 0, Count: 4}}}},
	Signals:  map[string]string{"evConnected": `regs["s"][0] == 1`, "powerW": `double(regs["s"][1])`},
	Commands: map[string]v1alpha1.TemplateCommand{"setCurrentLimit": {Expr: `[write(100, [int(limitA * 10.0)])]`}},
}

func tcpCharger(failureThreshold int) v1alpha1.ChargerSpec {
	unit := 1
	return v1alpha1.ChargerSpec{TemplateRef: "m", PollInterval: "100ms", FailureThreshold: failureThreshold,
		Connection: v1alpha1.NewConnection(v1alpha1.ConnModbusTCP, &v1alpha1.ModbusTCPConnection{Host: "127.0.0.1", Port: 502, UnitID: &unit}),
		EVSEs:      []v1alpha1.EVSE{{ID: 1, Connectors: []v1alpha1.Connector{{ID: 1, Type: "cType2"}}}}}
}

func deviceFixture(t *testing.T, o *fakeOpener) (*fixture.Fixture, *Reconciler) {
	var r *Reconciler
	f := fixture.New(t, template.Setup(template.Options{}), Setup(Options{Opener: o, Reconciler: &r}))
	return f, r
}

// signals returns connector 0's signals as stored.
func signals(f *fixture.Fixture, name string) map[string]any {
	obj, err := f.Store.Get(Kind, name)
	if err != nil {
		return nil
	}
	var s v1alpha1.ChargerStatus
	json.Unmarshal(obj.Status, &s)
	if len(s.Connectors) == 0 {
		return nil
	}
	return s.Connectors[0].Signals
}

func waitSignal(f *fixture.Fixture, name, signal string, want any) {
	f.T.Helper()
	f.Eventually(fmt.Sprintf("%s = %v", signal, want), func() string {
		got := signals(f, name)[signal]
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Sprintf("%s is %v; signals %v", signal, got, signals(f, name))
		}
		return ""
	})
}

func TestPollWritesSignalsOnlyWhenChanged(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {0, 0, 0, 0}}}
	f, _ := deviceFixture(t, o)
	f.Create(template.Kind, "m", modbusTemplate)
	f.Create(Kind, "ch1", tcpCharger(3))
	f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionTrue, ReasonPolled)
	f.WaitCondition(Kind, "ch1", ConditionMappingValid, v1alpha1.ConditionTrue, ReasonCompiled)
	waitSignal(f, "ch1", "evConnected", false)
	if d := o.device(0); d.cfg.Connection.Key() != v1alpha1.ConnModbusTCP || d.cfg.Read.Modbus.Blocks[0].Name != "s" {
		t.Fatalf("opened with %+v", d.cfg)
	}

	// Several polls of unchanged values write nothing.
	rev := f.Store.Revision()
	reads := func() int { d := o.device(0); d.mu.Lock(); defer d.mu.Unlock(); return d.reads }
	before := reads()
	f.Eventually("five more polls", func() string {
		if reads() < before+5 {
			return "polling"
		}
		return ""
	})
	f.Store.Flush()
	if f.Store.Revision() != rev {
		t.Fatalf("unchanged polls wrote %d revisions", f.Store.Revision()-rev)
	}

	o.device(0).set(func(d *fakeDevice) { d.regs = map[string][]uint16{"s": {1, 7400, 0, 0}} })
	waitSignal(f, "ch1", "evConnected", true)
	waitSignal(f, "ch1", "powerW", 7400)
}

func TestFailedPollsFaultAndRecover(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {1, 0, 0, 0}}}
	f, _ := deviceFixture(t, o)
	f.Create(template.Kind, "m", modbusTemplate)
	f.Create(Kind, "ch1", tcpCharger(3))
	waitSignal(f, "ch1", "evConnected", true)
	o.device(0).set(func(d *fakeDevice) { d.readErr = errors.New("modbus: unit 1: read 4 registers at 0: i/o timeout") })
	c := f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionFalse, ReasonNotResponding)
	if !strings.Contains(c.Message, "i/o timeout") || !strings.Contains(c.Message, "polls in a row failed") {
		t.Fatalf("condition message %q", c.Message)
	}
	waitSignal(f, "ch1", "faulted", true)
	waitSignal(f, "ch1", "faultCode", FaultDeviceNotResponding)
	waitSignal(f, "ch1", "evConnected", true) // the last values are kept

	o.device(0).set(func(d *fakeDevice) { d.readErr = nil })
	f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionTrue, ReasonPolled)
	waitSignal(f, "ch1", "faulted", nil)
	obj, _ := f.Store.Get(Kind, "ch1")
	if s, _ := controllers.DecodeStatus(obj.Status); s.Field("device") != nil {
		t.Fatalf("status.device left after recovery: %s", s.Field("device"))
	}
}

func TestTemplateChangeSwapsAndBadTemplateKeepsOld(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {1, 100, 0, 0}}}
	f, _ := deviceFixture(t, o)
	f.Create(template.Kind, "m", modbusTemplate)
	f.Create(Kind, "ch1", tcpCharger(3))
	waitSignal(f, "ch1", "powerW", 100)

	changed := modbusTemplate
	changed.Signals = map[string]string{"evConnected": `regs["s"][0] == 1`, "powerW": `double(regs["s"][1]) * 2.0`}
	f.Update(template.Kind, "m", changed)
	waitSignal(f, "ch1", "powerW", 200)
	if o.count() != 2 || !o.device(0).closed {
		t.Fatalf("swap: %d devices opened, first closed %v", o.count(), o.device(0).closed)
	}

	broken := modbusTemplate
	broken.Signals = map[string]string{"powerW": `double(regz["s"][1])`}
	f.Update(template.Kind, "m", broken)
	c := f.WaitCondition(Kind, "ch1", ConditionMappingValid, v1alpha1.ConditionFalse, ReasonCompileFailed)
	if !strings.Contains(c.Message, "spec.signals.powerW") || !strings.Contains(c.Message, "regz") {
		t.Fatalf("compile error message %q", c.Message)
	}
	// The old mapping goes on polling.
	o.device(1).set(func(d *fakeDevice) { d.regs = map[string][]uint16{"s": {1, 300, 0, 0}} })
	waitSignal(f, "ch1", "powerW", 600)
	if o.count() != 2 {
		t.Fatalf("a failed build opened a device")
	}
}

func TestCommands(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {0, 0, 0, 0}}}
	f, r := deviceFixture(t, o)
	f.Create(template.Kind, "m", modbusTemplate)
	f.Create(Kind, "ch1", tcpCharger(3))
	f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionTrue, ReasonPolled)
	ctx := context.Background()
	if err := r.Command(ctx, "ch1", "setCurrentLimit", 1, cel.Args{LimitA: 16}); err != nil {
		t.Fatal(err)
	}
	d := o.device(0)
	d.mu.Lock()
	got := fmt.Sprint(d.writes)
	d.mu.Unlock()
	if len(d.writes) != 1 || d.writes[0][0].Address != 100 || d.writes[0][0].Words[0] != 160 {
		t.Fatalf("writes %s", got)
	}
	if err := r.Command(ctx, "ch1", "unlock", 1, cel.Args{}); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("unsupported command: %v", err)
	}
	d.set(func(d *fakeDevice) { d.wErr = fmt.Errorf("%w: exception 0x02", ErrRejected) })
	if err := r.Command(ctx, "ch1", "setCurrentLimit", 1, cel.Args{LimitA: 6}); !errors.Is(err, ErrRejected) {
		t.Fatalf("rejected write: %v", err)
	}
	if err := r.Command(ctx, "nope", "stop", 1, cel.Args{}); !errors.Is(err, ErrNoDevice) {
		t.Fatalf("unknown charger: %v", err)
	}
}

func TestMissingBusThenCreated(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {1, 0, 0, 0}}}
	f, _ := deviceFixture(t, o)
	f.Create(template.Kind, "m", modbusTemplate)
	sp := tcpCharger(3)
	sp.Connection = v1alpha1.NewConnection(v1alpha1.ConnModbusRTU, &v1alpha1.ModbusRTUConnection{BusRef: "line-1", UnitID: 4})
	f.Create(Kind, "ch1", sp)
	c := f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionFalse, ReasonOpenFailed)
	if !strings.Contains(c.Message, `bus "line-1" not found`) {
		t.Fatalf("message %q", c.Message)
	}
	f.Create(BusKind, "line-1", v1alpha1.BusSpec{Device: "/dev/ttyUSB0", BaudRate: 19200})
	f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionTrue, ReasonPolled)
	if d := o.device(0); d.cfg.Bus == nil || d.cfg.Bus.BaudRate != 19200 || d.cfg.BusName != "line-1" {
		t.Fatalf("opened with %+v", d.cfg)
	}
}

func TestProbe(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {1, 3680, 0, 0}}}
	f, r := deviceFixture(t, o)
	f.Create(template.Kind, "m", modbusTemplate)
	f.Create(Kind, "ch1", tcpCharger(3))
	f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionTrue, ReasonPolled)
	p, err := r.Probe(context.Background(), "ch1")
	if err != nil {
		t.Fatal(err)
	}
	if p.Template != "m" || p.Protocol != "modbus" || fmt.Sprint(p.Raw.Registers["s"]) != "[1 3680 0 0]" {
		t.Fatalf("probe %+v", p)
	}
	if len(p.Connectors) != 1 || p.Connectors[0].Signals["powerW"] != 3680.0 || p.Connectors[0].Signals["evConnected"] != true {
		t.Fatalf("signals %+v", p.Connectors)
	}
	if !slices.Contains(p.UnsupportedSignals, "energyWh") || slices.Contains(p.UnsupportedSignals, "powerW") {
		t.Fatalf("unsupported signals %v", p.UnsupportedSignals)
	}
	if !slices.Equal(p.Commands, []string{"setCurrentLimit"}) || !slices.Contains(p.UnsupportedCommands, "unlock") {
		t.Fatalf("commands %v / %v", p.Commands, p.UnsupportedCommands)
	}
	o.device(0).set(func(d *fakeDevice) { d.readErr = errors.New("i/o timeout") })
	if _, err := r.Probe(context.Background(), "ch1"); err == nil || !strings.Contains(err.Error(), "i/o timeout") {
		t.Fatalf("a failed read: %v", err)
	}
	if _, err := r.Probe(context.Background(), "nope"); !errors.Is(err, ErrNoDevice) {
		t.Fatalf("unknown charger: %v", err)
	}
}
