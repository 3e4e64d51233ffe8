package modbus

import (
	"io"
	"log"
	"net"
	"strconv"
	"sync"
	"testing"

	"github.com/ocppgw/ocppgw/internal/testutil"
	sm "github.com/simonvetter/modbus"
)

// tcpPeer is the register table behind a simonvetter/modbus TCP server, an
// implementation independent of goburrow. Unit u holds, 0-based:
// holding[i] = u*1000+i, input[i] = u*2000+i, coil[i] = (i+u)%2 == 0,
// discrete[i] = i%3 == 0, for i < peerSize.
type tcpPeer struct {
	mu       sync.Mutex
	holding  map[uint8][]uint16
	coils    map[uint8][]bool
	clients  map[string]int      // requests per client address (ip:port = one TCP connection)
	failWith map[uint8]error     // exception to answer for a unit
	hold     map[uint8]chan bool // a unit whose reply waits until the channel is closed
	requests int
}

const peerSize = 200

func newTCPPeer() *tcpPeer {
	return &tcpPeer{holding: map[uint8][]uint16{}, coils: map[uint8][]bool{},
		clients: map[string]int{}, failWith: map[uint8]error{}, hold: map[uint8]chan bool{}}
}

// unit returns the unit's tables, creating them; callers hold mu.
func (p *tcpPeer) unit(u uint8) ([]uint16, []bool) {
	if p.holding[u] == nil {
		h, c := make([]uint16, peerSize), make([]bool, peerSize)
		for i := range h {
			h[i] = uint16(u)*1000 + uint16(i)
			c[i] = (i+int(u))%2 == 0
		}
		p.holding[u], p.coils[u] = h, c
	}
	return p.holding[u], p.coils[u]
}

// enter counts the request and returns the unit's injected failure. A held
// unit blocks here, outside the lock, so other connections are still served.
func (p *tcpPeer) enter(client string, u uint8, addr, qty uint16) error {
	p.mu.Lock()
	p.requests++
	p.clients[client]++
	hold := p.hold[u]
	err := p.failWith[u]
	p.mu.Unlock()
	if hold != nil {
		<-hold
	}
	if err != nil {
		return err
	}
	if int(addr)+int(qty) > peerSize {
		return sm.ErrIllegalDataAddress
	}
	return nil
}

func (p *tcpPeer) HandleCoils(req *sm.CoilsRequest) ([]bool, error) {
	if err := p.enter(req.ClientAddr, req.UnitId, req.Addr, req.Quantity); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_, coils := p.unit(req.UnitId)
	if req.IsWrite {
		copy(coils[req.Addr:], req.Args)
		return nil, nil
	}
	return append([]bool(nil), coils[req.Addr:req.Addr+req.Quantity]...), nil
}

func (p *tcpPeer) HandleDiscreteInputs(req *sm.DiscreteInputsRequest) ([]bool, error) {
	if err := p.enter(req.ClientAddr, req.UnitId, req.Addr, req.Quantity); err != nil {
		return nil, err
	}
	out := make([]bool, req.Quantity)
	for i := range out {
		out[i] = (int(req.Addr)+i)%3 == 0
	}
	return out, nil
}

func (p *tcpPeer) HandleHoldingRegisters(req *sm.HoldingRegistersRequest) ([]uint16, error) {
	if err := p.enter(req.ClientAddr, req.UnitId, req.Addr, req.Quantity); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	regs, _ := p.unit(req.UnitId)
	if req.IsWrite {
		copy(regs[req.Addr:], req.Args)
		return nil, nil
	}
	return append([]uint16(nil), regs[req.Addr:req.Addr+req.Quantity]...), nil
}

func (p *tcpPeer) HandleInputRegisters(req *sm.InputRegistersRequest) ([]uint16, error) {
	if err := p.enter(req.ClientAddr, req.UnitId, req.Addr, req.Quantity); err != nil {
		return nil, err
	}
	out := make([]uint16, req.Quantity)
	for i := range out {
		out[i] = uint16(req.UnitId)*2000 + req.Addr + uint16(i)
	}
	return out, nil
}

func (p *tcpPeer) connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.clients)
}

func (p *tcpPeer) requestCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests
}

// freeAddr finds a loopback port nobody listens on, so a test can stop and
// restart a server at the same address.
func freeAddr(t testing.TB) (string, int) {
	t.Helper()
	return "127.0.0.1", testutil.FreeTCPPort(t)
}

// startServer runs a simonvetter server for p at host:port until cleanup.
func startServer(t testing.TB, p *tcpPeer, host string, port int) *sm.ModbusServer {
	t.Helper()
	s, err := sm.NewServer(&sm.ServerConfiguration{
		URL:        "tcp://" + net.JoinHostPort(host, strconv.Itoa(port)),
		MaxClients: 16,
		Logger:     log.New(io.Discard, "", 0),
	}, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Stop() })
	return s
}
