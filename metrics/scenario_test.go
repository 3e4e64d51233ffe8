package metrics_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/station"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/internal/testutil"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/ocppgw/ocppgw/store"
	sm "github.com/simonvetter/modbus"
)

// peer is a simonvetter/modbus TCP server (an implementation nobody here
// wrote) whose holding registers answer as mode says: "ok", "exception"
// (Illegal Data Address) or "silent" (the reply comes after the gateway's
// timeout). It counts the requests it received.
type peer struct {
	mu       sync.Mutex
	mode     string
	requests int
	late     time.Duration
}

func (p *peer) set(mode string) {
	p.mu.Lock()
	p.mode = mode
	p.mu.Unlock()
}

func (p *peer) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

func (p *peer) HandleHoldingRegisters(req *sm.HoldingRegistersRequest) ([]uint16, error) {
	p.mu.Lock()
	p.requests++
	mode := p.mode
	p.mu.Unlock()
	switch mode {
	case "exception":
		return nil, sm.ErrIllegalDataAddress
	case "silent":
		time.Sleep(p.late)
	}
	return make([]uint16, req.Quantity), nil
}

func (p *peer) HandleCoils(*sm.CoilsRequest) ([]bool, error) { return nil, sm.ErrIllegalFunction }
func (p *peer) HandleDiscreteInputs(*sm.DiscreteInputsRequest) ([]bool, error) {
	return nil, sm.ErrIllegalFunction
}
func (p *peer) HandleInputRegisters(*sm.InputRegistersRequest) ([]uint16, error) {
	return nil, sm.ErrIllegalFunction
}

func startPeer(t *testing.T, p *peer) (string, int) {
	t.Helper()
	port := testutil.FreeTCPPort(t)
	portText := strconv.Itoa(port)
	s, err := sm.NewServer(&sm.ServerConfiguration{URL: "tcp://127.0.0.1:" + portText, MaxClients: 4,
		Logger: log.New(io.Discard, "", 0)}, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return "127.0.0.1", port
}

// gateway is the charger and station controllers over a real store, with
// every handle of one registry.
type gateway struct {
	reg      *metrics.Registry
	st       *store.Store
	chargers *charger.Reconciler
}

func startGateway(t *testing.T) *gateway {
	t.Helper()
	reg := metrics.New()
	key := make([]byte, store.KeySize)
	rand.Read(key)
	st, err := store.Open(filepath.Join(t.TempDir(), "state.db"), store.Options{NoSync: true, CompactInterval: -1,
		EncryptionKey: key, SealedKinds: v1alpha1.SealedKinds(), Observer: reg.Store()})
	if err != nil {
		t.Fatal(err)
	}
	reg.Store().WatchStore(func() metrics.StoreStats {
		s := st.Stats()
		return metrics.StoreStats{Revision: s.Revision, CompactedRevision: s.CompactedRevision, Watchers: s.Watchers,
			Compactions: s.Compactions, SpaceInUseBytes: s.SpaceInUse}
	})
	drivers := charger.NewDrivers(nil)
	if err := reg.WatchDrivers(drivers); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := controllers.NewManager(st, logger)
	g := &gateway{reg: reg, st: st}
	for _, setup := range []func(*controllers.Manager, *store.Store, *slog.Logger) error{
		template.Setup(template.Options{}), charger.Setup(charger.Options{Opener: drivers, Metrics: reg.Chargers(), Reconciler: &g.chargers}),
		station.Setup(station.Options{Commands: commander{&g.chargers}, Metrics: reg.OCPP()}),
	} {
		if err := setup(m, st, logger); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		drivers.Close()
		st.Close()
	})
	return g
}

// commander hands the station controller the charger reconciler, which
// exists only once its setup ran.
type commander struct{ r **charger.Reconciler }

func (c commander) Command(ctx context.Context, ch, cmd string, conn int, args cel.Args) error {
	return (*c.r).Command(ctx, ch, cmd, conn, args)
}

func (g *gateway) apply(t *testing.T, kind, name, spec string) {
	t.Helper()
	obj := fixture.Object(kind, name, json.RawMessage(spec))
	if _, err := g.st.Get(kind, name); err == nil {
		if _, err := g.st.Update(obj); err != nil {
			t.Fatal(err)
		}
		return
	}
	if _, err := g.st.Create(obj); err != nil {
		t.Fatal(err)
	}
}

func chargerSpec(host string, port int, interval string) string {
	return fmt.Sprintf(`{"templateRef":"t","pollInterval":%q,"failureThreshold":1,
		"connection":{"modbusTCP":{"host":%q,"port":%d,"unitId":1,"timeout":"300ms"}},
		"evses":[{"id":1,"connectors":[{"id":1,"type":"cType2"}]}],
		"ocpp":{"csmsRef":"csms","stationId":"GW-MET-1"}}`, interval, host, port)
}
