package echonetdev

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"sync"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// Opener opens ECHONET Lite devices on one client, opened on first use
// (it owns UDP 3610).
type Opener struct {
	cfg echonet.Config

	mu sync.Mutex
	el *echonet.Client
}

// New returns an Opener whose client will be opened with cfg.
func New(cfg echonet.Config) *Opener { return &Opener{cfg: cfg} }

// Open implements drivers.Opener.
func (o *Opener) Open(_ context.Context, cfg drivers.Config) (drivers.Device, error) {
	c := v1alpha1.ConnectionAs[v1alpha1.EchonetConnection](cfg.Connection)
	if c == nil {
		return nil, fmt.Errorf("echonet: connection %q is not an ECHONET Lite connection", cfg.Connection.Key())
	}
	addr, err := netip.ParseAddr(c.Address)
	if err != nil {
		return nil, fmt.Errorf("echonet address %q: %w", c.Address, err)
	}
	eoj, err := echonet.ParseEOJ(strings.TrimPrefix(strings.TrimPrefix(c.EOJ, "0x"), "0X"))
	if err != nil {
		return nil, fmt.Errorf("echonet eoj %q: %w", c.EOJ, err)
	}
	port := c.Port
	if port == 0 {
		port = echonet.DefaultPort
	}
	dev := &device{to: netip.AddrPortFrom(addr, uint16(port)), eoj: eoj, wait: c.Timeout.Duration()}
	if read := cfg.Read; read != nil && read.Echonet != nil {
		for _, s := range read.Echonet.EPCs {
			epc, err := v1alpha1.ParseEPC(s)
			if err != nil {
				return nil, err
			}
			decl := read.Echonet.Decl(epc)
			dev.reads = append(dev.reads, epcRead{epc: epc, size: decl.Size, optional: decl.Optional})
		}
	}
	cl, err := o.Client()
	if err != nil {
		return nil, err
	}
	dev.dev = cl.Device(dev.to, eoj)
	return dev, nil
}

// Client is the ECHONET Lite client every EL charger shares, opened on
// first use; discovery uses it too.
func (o *Opener) Client() (*echonet.Client, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.el == nil {
		cl, err := echonet.NewClient(o.cfg)
		if err != nil {
			return nil, fmt.Errorf("echonet client: %w", err)
		}
		o.el = cl
	}
	return o.el, nil
}

// Stats is the shared client's counters; false until a charger opened it.
func (o *Opener) Stats() (echonet.Stats, bool) {
	o.mu.Lock()
	el := o.el
	o.mu.Unlock()
	if el == nil {
		return echonet.Stats{}, false
	}
	return el.Stats(), true
}

// Close ends the shared client.
func (o *Opener) Close() error {
	o.mu.Lock()
	el := o.el
	o.el = nil
	o.mu.Unlock()
	if el == nil {
		return nil
	}
	return el.Close()
}
