package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// device is one simulated charger in the fleet.
type device struct {
	Name    string `json:"name"`
	Model   string `json:"model"`
	Address string `json:"address"`
	// Units are the Modbus unit ids it answers; EOJ is its EL object.
	Units []int  `json:"units,omitempty"`
	EOJ   string `json:"eoj,omitempty"`

	charger *sim.Charger
	server  io.Closer // nil for devices on the shared RTU bus or EL node
}

// where is the UNITS column of `gwsim run`: unit ids or the EL object.
func (d *device) where() string {
	if d.EOJ != "" {
		return d.EOJ
	}
	return fmt.Sprint(d.Units)
}

// fleetConfig is where the devices are served.
type fleetConfig struct {
	host     string // Modbus TCP listen host
	basePort int    // first Modbus TCP port; 0 picks free ports
	elListen string // the EL node's UDP address
	elGroup  string // where the EL node sends INF
}

// fleet is every device gwsim runs, the RTU bus and the EL node they share.
type fleet struct {
	mu      sync.Mutex
	devices []*device
	rtu     *sim.RTUBus
	el      *sim.ELNode
	// control is the address the control API listens on.
	control string
}

// parseSpec reads "model:count,model:count".
func parseSpec(spec string) ([][2]string, error) {
	var out [][2]string
	for part := range strings.SplitSeq(spec, ",") {
		name, count, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			count = "1"
		}
		m, known := models[name]
		if !known {
			return nil, fmt.Errorf("--devices %q: unknown model %q; known: %s", spec, name, strings.Join(modelNames(), ", "))
		}
		limit := 2000
		if m.transport == transportRTU {
			limit = 247 // unit ids on one line
		}
		if n, err := strconv.Atoi(count); err != nil || n < 1 || n > limit {
			return nil, fmt.Errorf("--devices %q: count %q of %s must be 1..%d", spec, count, name, limit)
		}
		out = append(out, [2]string{name, count})
	}
	return out, nil
}

// start creates and serves every device of spec. Modbus TCP devices take
// consecutive ports from basePort; RTU devices are units 1..N of one pty
// bus; EL devices are instances 1..N of their class on one EL node.
func (f *fleet) start(spec [][2]string, cfg fleetConfig, now time.Time) error {
	port := cfg.basePort
	var els []*sim.ELCharger
	for _, s := range spec {
		n, _ := strconv.Atoi(s[1])
		m := models[s[0]]
		for i := 1; i <= n; i++ {
			d := &device{Name: fmt.Sprintf("%s-%d", s[0], i), Model: s[0], charger: sim.NewCharger(m.config, now)}
			var err error
			switch m.transport {
			case transportTCP:
				err = f.startTCP(d, m, cfg.host, &port, cfg.basePort != 0)
			case transportRTU:
				err = f.startRTU(d, m, i)
			case transportGoE:
				err = f.startGoE(d, cfg.host, &port, cfg.basePort != 0)
			case transportEL:
				obj := sim.NewELCharger(d.charger, m.class, byte(len(instancesOf(els, m.class))+1))
				els = append(els, obj)
				d.EOJ, d.Address = obj.EOJ.String(), cfg.elListen
			}
			if err != nil {
				f.close()
				return fmt.Errorf("device %s: %w", d.Name, err)
			}
			f.devices = append(f.devices, d)
		}
	}
	if len(els) > 0 {
		node, err := sim.ServeEL(echonet.ResponderConfig{ListenAddr: cfg.elListen, Group: cfg.elGroup}, els)
		if err != nil {
			f.close()
			return fmt.Errorf("--el-listen: %w", err)
		}
		f.el = node
		for _, d := range f.devices {
			if d.EOJ != "" {
				d.Address = node.R.Addr().String() // the port chosen for ":0"
			}
		}
	}
	return nil
}

func instancesOf(els []*sim.ELCharger, class uint16) []*sim.ELCharger {
	var out []*sim.ELCharger
	for _, e := range els {
		if e.EOJ.Class() == class {
			out = append(out, e)
		}
	}
	return out
}

// nextAddr is where the next TCP device listens: port, then the one after
// it, when fixed; any free port otherwise.
func nextAddr(host string, port *int, fixed bool) string {
	if !fixed {
		return net.JoinHostPort(host, "0")
	}
	*port++
	return net.JoinHostPort(host, strconv.Itoa(*port-1))
}

func (f *fleet) startTCP(d *device, m model, host string, port *int, fixed bool) error {
	addr := nextAddr(host, port, fixed)
	rm := m.newMap(d.charger, fmt.Sprintf("SIM%05d", len(f.devices)+1), len(f.devices)+1)
	srv, err := sim.ServeTCP(addr, rm, d.charger)
	if err != nil {
		return err
	}
	d.server, d.Address = srv, srv.Addr
	for _, u := range rm.Units() {
		d.Units = append(d.Units, int(u))
	}
	return nil
}

func (f *fleet) startRTU(d *device, m model, unit int) error {
	if f.rtu == nil {
		bus, err := sim.ServeRTU()
		if err != nil {
			return err
		}
		f.rtu = bus
	}
	rm := m.newMap(d.charger, fmt.Sprintf("SIM%05d", len(f.devices)+1), unit)
	if err := f.rtu.Add(rm, d.charger); err != nil {
		return err
	}
	d.Address, d.Units = f.rtu.Path, []int{unit}
	return nil
}

func (f *fleet) get(name string) (*device, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range f.devices {
		if d.Name == name {
			return d, nil
		}
	}
	return nil, fmt.Errorf("no device %q", name)
}

// step advances every charger's physics to now and brings the EL property
// tables up to date, which announces what changed.
func (f *fleet) step(now time.Time) error {
	for _, d := range f.devices {
		d.charger.Step(now)
	}
	if f.el != nil {
		return f.el.Sync()
	}
	return nil
}

func (f *fleet) close() error {
	var errs []error
	for _, d := range f.devices {
		if d.server == nil {
			continue
		}
		if err := d.server.Close(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.Name, err))
		}
	}
	if f.rtu != nil {
		errs = append(errs, f.rtu.Close())
		f.rtu = nil
	}
	if f.el != nil {
		errs = append(errs, f.el.Close())
		f.el = nil
	}
	return errors.Join(errs...)
}
