package main

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
)

// models are the simulated charger models: their register map and hardware.
var models = map[string]struct {
	newMap func(c *sim.Charger, serial string) sim.RegisterMap
	config sim.Config
}{
	"abb-terra-ac": {
		newMap: func(c *sim.Charger, serial string) sim.RegisterMap { return &sim.ABB{C: c, Unit: 1, Serial: serial} },
		config: sim.Config{MaxCurrentA: 32, Phases: 3},
	},
	"alfen-eve": {
		newMap: func(c *sim.Charger, serial string) sim.RegisterMap { return &sim.Alfen{C: c, Serial: serial} },
		config: sim.Config{MaxCurrentA: 16, Phases: 3, SafeCurrentA: 6, Watchdog: 60 * time.Second},
	},
}

func modelNames() []string {
	var n []string
	for k := range models {
		n = append(n, k)
	}
	slices.Sort(n)
	return n
}

// device is one simulated charger in the fleet.
type device struct {
	Name    string `json:"name"`
	Model   string `json:"model"`
	Address string `json:"address"`
	Units   []int  `json:"units"`

	charger *sim.Charger
	server  *sim.TCPDevice
}

// fleet is every device gwsim runs.
type fleet struct {
	mu      sync.Mutex
	devices []*device
}

// parseSpec reads "model:count,model:count".
func parseSpec(spec string) ([][2]string, error) {
	var out [][2]string
	for part := range strings.SplitSeq(spec, ",") {
		model, count, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			count = "1"
		}
		if _, known := models[model]; !known {
			return nil, fmt.Errorf("--devices %q: unknown model %q; known: %s", spec, model, strings.Join(modelNames(), ", "))
		}
		if n, err := strconv.Atoi(count); err != nil || n < 1 || n > 2000 {
			return nil, fmt.Errorf("--devices %q: count %q of %s must be 1..2000", spec, count, model)
		}
		out = append(out, [2]string{model, count})
	}
	return out, nil
}

// start creates and serves every device of spec on consecutive ports from
// basePort (0: any free port).
func (f *fleet) start(spec [][2]string, host string, basePort int, now time.Time) error {
	port := basePort
	for _, s := range spec {
		n, _ := strconv.Atoi(s[1])
		for i := 1; i <= n; i++ {
			m := models[s[0]]
			name := fmt.Sprintf("%s-%d", s[0], i)
			c := sim.NewCharger(m.config, now)
			addr := net.JoinHostPort(host, "0")
			if basePort != 0 {
				addr = net.JoinHostPort(host, strconv.Itoa(port))
				port++
			}
			rm := m.newMap(c, fmt.Sprintf("SIM%05d", len(f.devices)+1))
			srv, err := sim.ServeTCP(addr, rm, c)
			if err != nil {
				f.close()
				return fmt.Errorf("device %s: %w", name, err)
			}
			d := &device{Name: name, Model: s[0], Address: srv.Addr, charger: c, server: srv}
			for _, u := range rm.Units() {
				d.Units = append(d.Units, int(u))
			}
			f.devices = append(f.devices, d)
		}
	}
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

// step advances every charger's physics to now.
func (f *fleet) step(now time.Time) {
	for _, d := range f.devices {
		d.charger.Step(now)
	}
}

func (f *fleet) close() error {
	var errs []error
	for _, d := range f.devices {
		if err := d.server.Close(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.Name, err))
		}
	}
	return errors.Join(errs...)
}
