package sim

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sync"

	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// The ECHONET Lite classes simulated: EV charger and V2H charger/discharger.
const (
	ClassEVCharger uint16 = 0x02A1
	ClassV2H       uint16 = 0x027E
)

// Operation mode setting (0xDA) values both classes share.
const (
	elModeCharge  = 0x42
	elModeStandby = 0x44
	elModeIdle    = 0x47
)

// ELCharger is one ECHONET Lite device object whose properties follow a
// Charger's physics. Writes (SetC) act on the charger: 0xDA charge /
// standby / idle pauses or resumes it, 0xED (0.1 A) and 0xEB (W) set its
// current limit, 0x80 ON/OFF makes it operative or not.
type ELCharger struct {
	C   *Charger
	EOJ echonet.EOJ

	mu   sync.Mutex
	mode byte
}

// NewELCharger returns the object of class (ClassEVCharger or ClassV2H)
// and instance for c, in charge mode.
func NewELCharger(c *Charger, class uint16, instance byte) *ELCharger {
	return &ELCharger{C: c, EOJ: echonet.NewEOJ(class, instance), mode: elModeCharge}
}

func (e *ELCharger) v2h() bool { return e.EOJ.Class() == ClassV2H }

// Mode is the operation mode last set (0xDA).
func (e *ELCharger) Mode() byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.mode
}

// object is the responder's property table for e, filled from the charger.
func (e *ELCharger) object() *echonet.Object {
	inf := []byte{0x80, 0x88, 0xC7, 0xDA}
	if e.v2h() {
		inf = append(inf, 0xE1)
	}
	return &echonet.Object{EOJ: e.EOJ, Props: e.props(), SetMap: []byte{0x80, 0xDA, 0xEB, 0xED},
		InfMap: inf, Accept: e.accept}
}

// props is every property's value now. Vehicle-dependent values (0xE2,
// 0xE4, 0xC2, 0xC4) are empty without a vehicle, so a Get answers Get_SNA
// for them, as the MRA notes.
func (e *ELCharger) props() map[byte][]byte {
	s := e.C.Snapshot()
	cfg := e.C.Config()
	mode := e.Mode()
	p := map[byte][]byte{
		0x80: {onOff(s.Available)}, 0x81: {0x00}, 0x82: {0, 0, 'R', 0},
		0x88: {0x42}, 0x89: {0, 0}, 0x8A: {0xFF, 0xFF, 0xFF},
		0xC5: u32be(cfg.MaxCurrentA * cfg.VoltageV * float64(cfg.Phases)),
		0xC7: {e.connection(s)}, 0xCC: {0x11},
		0xCA: append(u16be(60), u16be(cfg.MaxCurrentA*10)...),
		0xD2: u16be(cfg.VoltageV), 0xD3: u32be(s.PowerW), 0xD8: u32be(s.EnergyWh),
		0xDA: {mode}, 0xE2: nil, 0xE4: nil, 0xE6: {0},
		0xEB: u32be(s.SetpointA * s.VoltageV * float64(s.Phases)), 0xED: u16be(s.SetpointA * 10),
	}
	if s.Fault == FaultCharger {
		p[0x88], p[0x89] = []byte{0x41}, []byte{0x00, 0x10}
	}
	if s.Plugged {
		p[0xE2] = u32be(s.SoC / 100 * cfg.EV.CapacityWh)
		p[0xE4] = []byte{byte(math.Round(s.SoC))}
	}
	if e.v2h() {
		p[0xCC] = []byte{0x22} // DC type AA, charge and discharge
		p[0xC2], p[0xC4] = p[0xE2], p[0xE4]
		p[0xD4] = u16be(s.CurrentA * 10)
		p[0xD5] = u16be(s.VoltageV)
		p[0xE1] = []byte{actualMode(s, mode)}
	}
	return p
}

func onOff(on bool) byte {
	if on {
		return 0x30
	}
	return 0x31
}

// connection is 0xC7: 0x30 not connected; 0x41 chargeable (0x02A1) or
// 0x43 chargeable and dischargeable (0x027E).
func (e *ELCharger) connection(s State) byte {
	switch {
	case !s.Plugged:
		return 0x30
	case e.v2h():
		return 0x43
	}
	return 0x41
}

// actualMode is 0x027E's 0xE1: what the unit does, not what was asked.
func actualMode(s State, mode byte) byte {
	switch {
	case s.Charging:
		return elModeCharge
	case mode == elModeIdle:
		return elModeIdle
	}
	return elModeStandby
}

func u16be(v float64) []byte { return binary.BigEndian.AppendUint16(nil, uint16(math.Round(v))) }
func u32be(v float64) []byte { return binary.BigEndian.AppendUint32(nil, uint32(math.Round(v))) }

// accept applies a SetC to the charger. It runs under the responder's lock,
// so it touches only the charger; the responder's copy catches up in Sync.
func (e *ELCharger) accept(epc byte, edt []byte) bool {
	switch {
	case epc == 0xDA && len(edt) == 1 && slices.Contains([]byte{elModeCharge, elModeStandby, elModeIdle}, edt[0]):
		e.mu.Lock()
		e.mode = edt[0]
		e.mu.Unlock()
		e.C.SetPaused(edt[0] != elModeCharge)
		return true
	case epc == 0xED && len(edt) == 2:
		return e.C.SetCurrentLimit(float64(binary.BigEndian.Uint16(edt))/10) == nil
	case epc == 0xEB && len(edt) == 4:
		cfg := e.C.Config()
		return e.C.SetCurrentLimit(float64(binary.BigEndian.Uint32(edt))/(cfg.VoltageV*float64(cfg.Phases))) == nil
	case epc == 0x80 && len(edt) == 1 && (edt[0] == 0x30 || edt[0] == 0x31):
		e.C.SetAvailable(edt[0] == 0x30)
		return true
	}
	return false
}

// ELNode is one ECHONET Lite node (one address) serving device objects.
type ELNode struct {
	R       *echonet.Responder
	Objects []*ELCharger
}

// ServeEL starts a node on cfg.ListenAddr for objs; cfg.Objects is filled
// from them. An object whose charger is in FaultSilent ignores requests, as
// an unreachable device does.
func ServeEL(cfg echonet.ResponderConfig, objs []*ELCharger) (*ELNode, error) {
	byEOJ := map[echonet.EOJ]*ELCharger{}
	for _, o := range objs {
		cfg.Objects = append(cfg.Objects, o.object())
		byEOJ[o.EOJ] = o
	}
	drop := cfg.Drop
	cfg.Drop = func(from netip.AddrPort, f *echonet.Frame) bool {
		if o := byEOJ[f.DEOJ]; o != nil && o.C.Snapshot().Fault == FaultSilent {
			return true
		}
		return drop != nil && drop(from, f)
	}
	r, err := echonet.NewResponder(cfg)
	if err != nil {
		return nil, fmt.Errorf("echonet node %s: %w", cfg.ListenAddr, err)
	}
	return &ELNode{R: r, Objects: objs}, nil
}

// Sync copies the chargers' state into the property tables; a changed
// property in an object's INF map is announced.
func (n *ELNode) Sync() error {
	var errs []error
	for _, o := range n.Objects {
		for epc, v := range o.props() {
			if old, _ := n.R.Value(o.EOJ, epc); bytes.Equal(old, v) {
				continue
			}
			if err := n.R.Update(o.EOJ, epc, v); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// Close stops the node.
func (n *ELNode) Close() error { return n.R.Close() }
