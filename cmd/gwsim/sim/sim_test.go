package sim

import (
	"errors"
	"math"
	"testing"
	"time"

	smb "github.com/simonvetter/modbus"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestPhysics(t *testing.T) {
	c := NewCharger(Config{MaxCurrentA: 16, Phases: 3, SafeCurrentA: 6, Watchdog: time.Minute,
		EV: EV{CapacityWh: 10000, MaxCurrentA: 32, InitialSoC: 50}}, t0)
	c.Step(t0.Add(time.Second))
	if s := c.Snapshot(); s.Charging || s.CurrentA != 0 || s.Suspended {
		t.Fatalf("no EV, yet %+v", s)
	}
	c.Plug(true)
	c.Step(t0.Add(2 * time.Second))
	s := c.Snapshot()
	if !s.Charging || s.CurrentA != 16 || s.PowerW != 16*230*3 {
		t.Fatalf("plugged EV charges at the 16 A rating: %+v", s)
	}
	c.SetCurrentLimit(10)
	c.Step(t0.Add(2*time.Second + 30*time.Second))
	if s := c.Snapshot(); s.CurrentA != 10 {
		t.Fatalf("current does not follow the 10 A limit: %+v", s)
	}
	c.Step(t0.Add(2*time.Second + 30*time.Second + 2*time.Minute))
	if s := c.Snapshot(); !s.WatchdogExpired || s.CurrentA != 6 || s.LimitA != 6 {
		t.Fatalf("watchdog did not fall back to the 6 A safe current: %+v", s)
	}
	before := c.Snapshot().EnergyWh
	c.SetCurrentLimit(0)
	c.Step(t0.Add(2*time.Second + 30*time.Second + 2*time.Minute + 30*time.Second)) // within the watchdog
	if s := c.Snapshot(); s.Charging || !s.Suspended || s.EnergyWh != before {
		t.Fatalf("a 0 A limit pauses charging: %+v", s)
	}
	c.SetCurrentLimit(16)
	c.Step(t0.Add(5 * time.Hour)) // the setpoint expires, the safe 6 A charges on
	if s := c.Snapshot(); s.SoC != 100 || s.Charging {
		t.Fatalf("a full battery stops charging: %+v", s)
	}
}

func TestStuckFreezesValues(t *testing.T) {
	c := NewCharger(Config{}, t0)
	c.Plug(true)
	c.Step(t0.Add(time.Minute))
	if err := c.SetFault(FaultStuck); err != nil {
		t.Fatal(err)
	}
	frozen := c.Snapshot().EnergyWh
	c.Step(t0.Add(time.Hour))
	if s := c.Snapshot(); s.EnergyWh != frozen || s.Fault != FaultStuck {
		t.Fatalf("stuck device moved: %v → %v", frozen, s.EnergyWh)
	}
	c.SetFault(FaultNone)
	if c.Snapshot().EnergyWh <= frozen {
		t.Fatal("clearing the fault does not show the real value")
	}
	if err := c.SetFault("melted"); err == nil {
		t.Fatal("unknown fault accepted")
	}
}

func client(t *testing.T, d *TCPDevice, unit uint8) *smb.ModbusClient {
	t.Helper()
	cl, err := smb.NewClient(&smb.ClientConfiguration{URL: "tcp://" + d.Addr, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.Open(); err != nil {
		t.Fatal(err)
	}
	cl.SetUnitId(unit)
	t.Cleanup(func() { cl.Close() })
	return cl
}

func TestABBOverModbusTCP(t *testing.T) {
	c := NewCharger(Config{MaxCurrentA: 32, Phases: 3}, t0)
	d, err := ServeTCP("127.0.0.1:0", &ABB{C: c, Unit: 1, Serial: "TAC1"}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cl := client(t, d, 1)
	c.Plug(true)
	c.Step(t0.Add(time.Second))

	status, err := cl.ReadRegisters(0x4008, 24, smb.HOLDING_REGISTER)
	if err != nil {
		t.Fatal(err)
	}
	u32 := func(i int) uint32 { return uint32(status[i])<<16 | uint32(status[i+1]) }
	if u32(2) < 0x0101 || (status[5]>>8)&0x7F != 4 || u32(6) != 32000 || u32(8) != 32000 || u32(14) != 2300 || u32(20) != 32*230*3 {
		t.Fatalf("status block %v", status)
	}
	if err := cl.WriteRegisters(0x4100, []uint16{0, 10000}); err != nil {
		t.Fatal(err)
	}
	c.Step(t0.Add(2 * time.Second))
	if s := c.Snapshot(); s.SetpointA != 10 || s.CurrentA != 10 {
		t.Fatalf("10,000 mA written, state %+v", s)
	}
	if _, err := cl.ReadRegisters(0x5000, 2, smb.HOLDING_REGISTER); !errors.Is(err, smb.ErrIllegalDataAddress) {
		t.Fatalf("read outside the map: %v", err)
	}
	c.SetFault(FaultException)
	if _, err := cl.ReadRegisters(0x4008, 2, smb.HOLDING_REGISTER); !errors.Is(err, smb.ErrServerDeviceBusy) {
		t.Fatalf("exception fault: %v", err)
	}
}

func TestAlfenOverModbusTCP(t *testing.T) {
	c := NewCharger(Config{MaxCurrentA: 16, Phases: 1, SafeCurrentA: 6, Watchdog: time.Minute}, t0)
	d, err := ServeTCP("127.0.0.1:0", &Alfen{C: c, Serial: "ACE0001"}, c)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	station, socket := client(t, d, 200), client(t, d, 1)
	name, err := station.ReadRegisters(117, 5, smb.HOLDING_REGISTER)
	if err != nil || name[0] != 'A'<<8|'l' || name[3] != 'N'<<8|'V' {
		t.Fatalf("manufacturer %v %v", name, err)
	}
	c.Plug(true)
	if err := socket.WriteFloat32(1210, 12.5); err != nil {
		t.Fatal(err)
	}
	c.Step(t0.Add(time.Second))
	cur, err := socket.ReadFloat32(320, smb.HOLDING_REGISTER)
	if err != nil || cur != 12.5 {
		t.Fatalf("L1 current %v %v", cur, err)
	}
	energy, err := socket.ReadRegisters(374, 4, smb.HOLDING_REGISTER)
	if err != nil {
		t.Fatal(err)
	}
	bits := uint64(energy[0])<<48 | uint64(energy[1])<<32 | uint64(energy[2])<<16 | uint64(energy[3])
	if e := math.Float64frombits(bits); e <= 0 {
		t.Fatalf("energy %v", e)
	}
	mode, _ := socket.ReadRegisters(1201, 1, smb.HOLDING_REGISTER)
	if mode[0] != 'C'<<8|'2' {
		t.Fatalf("mode 3 state %q", []byte{byte(mode[0] >> 8), byte(mode[0])})
	}
	gap, err := socket.ReadRegisters(1100, 1, smb.HOLDING_REGISTER) // a station register, empty on the socket
	if err != nil || gap[0] != 0xFFFF {
		t.Fatalf("unreadable register %v %v", gap, err)
	}
	if err := station.WriteRegister(1210, 1); !errors.Is(err, smb.ErrIllegalDataAddress) {
		t.Fatalf("write to the station unit: %v", err)
	}
}
