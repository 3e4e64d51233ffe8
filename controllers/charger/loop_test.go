package charger

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers/modbus"
)

func chargerStatus(f *fixture.Fixture, name string) v1alpha1.ChargerStatus {
	var s v1alpha1.ChargerStatus
	if obj, err := f.Store.Get(Kind, name); err == nil {
		json.Unmarshal(obj.Status, &s)
	}
	return s
}

func (d *fakeDevice) writeCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.writes)
}

// TestKeepAliveRunsWhileReachable: the template's keepAlive reaches the
// device on its period while the device answers, stops while it does not
// and resumes when it answers again; its outcome is in status.device.commands.
func TestKeepAliveRunsWhileReachable(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {0, 0, 0, 0}}}
	f, _ := deviceFixture(t, o)
	tpl := modbusTemplate
	tpl.Commands = map[string]v1alpha1.TemplateCommand{"keepAlive": {Expr: `write(4000, [1])`, Period: "100ms"}}
	f.Create(template.Kind, "m", tpl)
	f.Create(Kind, "ch1", tcpCharger(2))
	f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionTrue, ReasonPolled)
	d := o.device(0)
	f.Eventually("three keepAlive writes", func() string {
		if n := d.writeCount(); n < 3 {
			return fmt.Sprintf("%d writes", n)
		}
		return ""
	})
	d.mu.Lock()
	w := d.writes[0][0]
	d.mu.Unlock()
	if w.Address != 4000 || w.Words[0] != 1 {
		t.Fatalf("keepAlive wrote %v", w)
	}
	f.Eventually("keepAlive Done in status", func() string {
		c := chargerStatus(f, "ch1").Device
		if c == nil || c.Commands["keepAlive"].Result != v1alpha1.CommandDone {
			return fmt.Sprintf("device status %+v", c)
		}
		return ""
	})

	d.set(func(d *fakeDevice) { d.readErr = fmt.Errorf("%w: no reply within 1s", modbus.ErrNoResponse) })
	f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionFalse, ReasonNotResponding)
	f.Settle()
	stopped := d.writeCount()
	// Polls go on (at 100 ms); no keepAlive is sent to a device that does not answer.
	d.mu.Lock()
	before := d.reads
	d.mu.Unlock()
	f.Eventually("five more polls", func() string {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.reads < before+5 {
			return "polling"
		}
		return ""
	})
	if n := d.writeCount(); n > stopped+1 { // one may have been on its way when the condition flipped
		t.Fatalf("%d keepAlive writes to a device that does not answer", n-stopped)
	}
	d.set(func(d *fakeDevice) { d.readErr = nil })
	f.Eventually("keepAlive resumes", func() string {
		if n := d.writeCount(); n < stopped+3 {
			return fmt.Sprintf("%d writes since recovery", n-stopped)
		}
		return ""
	})

	// A keepAlive the device refuses is recorded as Rejected, with why.
	d.set(func(d *fakeDevice) { d.wErr = fmt.Errorf("%w: exception 0x02 illegal data address", ErrRejected) })
	f.Eventually("keepAlive Rejected in status", func() string {
		c := chargerStatus(f, "ch1").Device
		if c == nil || c.Commands["keepAlive"].Result != v1alpha1.CommandRejected || !strings.Contains(c.Commands["keepAlive"].Message, "0x02") {
			return fmt.Sprintf("device status %+v", c)
		}
		return ""
	})
}

// TestPartialReadLeavesSignalsUnknown: a required block the device answers
// with an exception makes DeviceDataValid False with the reason and the
// block, while the device stays reachable; a stale poll is marked.
func TestPartialReadLeavesSignalsUnknown(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {1, 500, 0, 0}}}
	f, _ := deviceFixture(t, o)
	f.Create(template.Kind, "m", modbusTemplate)
	f.Create(Kind, "ch1", tcpCharger(3))
	waitSignal(f, "ch1", "powerW", 500)
	exc := &modbus.Error{Device: "127.0.0.1:502", Unit: 1, Function: 3, Address: 0, Count: 4, Kind: modbus.KindException,
		Exception: modbus.IllegalDataAddress}
	o.device(0).set(func(d *fakeDevice) {
		d.regs = map[string][]uint16{}
		d.failed = []ReadFailure{{What: `block "s" (unit 1, holding 0x0000 x4)`, Err: exc}}
	})
	c := f.WaitCondition(Kind, "ch1", ConditionDeviceDataValid, v1alpha1.ConditionFalse, ReasonDeviceError)
	for _, want := range []string{`block "s"`, "exception 0x02 illegal data address", "check the template's addresses"} {
		if !strings.Contains(c.Message, want) {
			t.Fatalf("DeviceDataValid message %q lacks %q", c.Message, want)
		}
	}
	if r := f.Condition(Kind, "ch1", ConditionDeviceReachable); r.Status != v1alpha1.ConditionTrue {
		t.Fatalf("a device that answers with an exception is %s/%s", r.Status, r.Reason)
	}
	waitSignal(f, "ch1", "powerW", nil) // not kept from the last poll, not defaulted

	o.device(0).set(func(d *fakeDevice) {
		d.regs, d.failed = map[string][]uint16{"s": {1, 700, 0, 0}}, nil
	})
	f.WaitCondition(Kind, "ch1", ConditionDeviceDataValid, v1alpha1.ConditionTrue, ReasonComplete)
	waitSignal(f, "ch1", "powerW", 700)

	// A failed poll keeps the last values but marks them stale, with since when.
	o.device(0).set(func(d *fakeDevice) { d.readErr = errors.New("i/o timeout") })
	f.Eventually("stale signals", func() string {
		s := chargerStatus(f, "ch1")
		if len(s.Connectors) == 0 || !s.Connectors[0].Stale || s.Device == nil || s.Device.DataStaleSince == "" {
			return fmt.Sprintf("%+v", s)
		}
		if s.Connectors[0].Signals["powerW"] != 700.0 {
			return fmt.Sprintf("signals %v", s.Connectors[0].Signals)
		}
		return ""
	})
	o.device(0).set(func(d *fakeDevice) { d.readErr = nil })
	f.Eventually("fresh again", func() string {
		if s := chargerStatus(f, "ch1"); len(s.Connectors) == 0 || s.Connectors[0].Stale || s.Device != nil {
			return fmt.Sprintf("%+v", s)
		}
		return ""
	})
}

// TestSlowPollSkipsInsteadOfFailing: a poll that takes longer than
// pollInterval is not cut short: it succeeds, PollsOnTime says it overran,
// and says so no more once polls fit again.
func TestSlowPollSkipsInsteadOfFailing(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {1, 0, 0, 0}}}
	f, _ := deviceFixture(t, o)
	f.Create(template.Kind, "m", modbusTemplate)
	f.Create(Kind, "ch1", tcpCharger(1))
	f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionTrue, ReasonPolled)
	o.device(0).set(func(d *fakeDevice) { d.delay = 350 * time.Millisecond })
	c := f.WaitCondition(Kind, "ch1", ConditionPollsOnTime, v1alpha1.ConditionFalse, ReasonOverran)
	if !strings.Contains(c.Message, "pollInterval 100ms") {
		t.Fatalf("PollsOnTime message %q", c.Message)
	}
	if r := f.Condition(Kind, "ch1", ConditionDeviceReachable); r.Status != v1alpha1.ConditionTrue {
		t.Fatalf("slow but answering device is %s/%s: %s", r.Status, r.Reason, r.Message)
	}
	o.device(0).set(func(d *fakeDevice) { d.delay = 0 })
	f.WaitCondition(Kind, "ch1", ConditionPollsOnTime, v1alpha1.ConditionTrue, ReasonOnTime)
}

// TestTemplateDeletedAndReappliedWorksAtOnce: deleting a charger's template
// and applying the same one again leaves no CompileFailed behind.
func TestTemplateDeletedAndReappliedWorksAtOnce(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {1, 0, 0, 0}}}
	f, _ := deviceFixture(t, o)
	f.Create(template.Kind, "m", modbusTemplate)
	f.Create(Kind, "ch1", tcpCharger(3))
	f.WaitCondition(Kind, "ch1", ConditionMappingValid, v1alpha1.ConditionTrue, ReasonCompiled)
	f.Delete(template.Kind, "m")
	f.WaitCondition(Kind, "ch1", ConditionMappingValid, v1alpha1.ConditionFalse, ReasonCompileFailed)
	f.Create(template.Kind, "m", modbusTemplate)
	f.WaitCondition(Kind, "ch1", ConditionMappingValid, v1alpha1.ConditionTrue, ReasonCompiled)
	f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionTrue, ReasonPolled)
}

// TestKeepAliveDoesNotUndoACommand: a keepAlive that rewrites a register as
// read (Alfen's setpoint) waits for a read begun after the last command's
// write; from an older read it would write back what the command changed.
func TestKeepAliveDoesNotUndoACommand(t *testing.T) {
	o := &fakeOpener{initial: map[string][]uint16{"s": {7, 0, 0, 0}}}
	f, r := deviceFixture(t, o)
	tpl := modbusTemplate
	tpl.Commands = map[string]v1alpha1.TemplateCommand{
		"keepAlive": {Expr: `[write(100, [regs["s"][0]])]`, Period: "50ms"},
		"stop":      {Expr: `[write(100, [0])]`},
	}
	f.Create(template.Kind, "m", tpl)
	f.Create(Kind, "ch1", tcpCharger(2))
	f.WaitCondition(Kind, "ch1", ConditionDeviceReachable, v1alpha1.ConditionTrue, ReasonPolled)
	d := o.device(0)
	f.Eventually("a keepAlive write", func() string {
		if d.writeCount() == 0 {
			return "none yet"
		}
		return ""
	})
	d.set(func(d *fakeDevice) { d.delay = 400 * time.Millisecond }) // a read now spans several keepAlive periods
	if err := r.Command(t.Context(), "ch1", "stop", 1, cel.Args{}); err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	d.regs["s"][0] = 0 // the device took the stop
	stopAt, readsAt := len(d.writes), d.reads
	d.mu.Unlock()
	f.Eventually("two reads after the stop and a keepAlive from them", func() string {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.reads < readsAt+2 || len(d.writes) < stopAt+1 {
			return fmt.Sprintf("%d reads, %d writes since", d.reads-readsAt, len(d.writes)-stopAt)
		}
		return ""
	})
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, w := range d.writes[stopAt:] {
		if w[0].Words[0] != 0 {
			t.Fatalf("after the stop, keepAlive wrote %v from a read older than the stop; writes since: %v", w[0].Words, d.writes[stopAt-1:])
		}
	}
}
