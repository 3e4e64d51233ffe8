package sim

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"

	smb "github.com/simonvetter/modbus"
)

// TCPDevice serves one RegisterMap over Modbus TCP, on the
// github.com/simonvetter/modbus server.
type TCPDevice struct {
	Map  RegisterMap
	C    *Charger
	Addr string // host:port it listens on

	srv     *smb.ModbusServer
	stop    chan struct{}
	stopped sync.Once
}

// ServeTCP starts serving m on addr ("127.0.0.1:0" picks a port).
func ServeTCP(addr string, m RegisterMap, c *Charger) (*TCPDevice, error) {
	if _, port, err := net.SplitHostPort(addr); err == nil && port == "0" {
		// The server takes a URL, not a listener: find a free port first.
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("modbus tcp %s: %w", addr, err)
		}
		addr = ln.Addr().String()
		ln.Close()
	}
	d := &TCPDevice{Map: m, C: c, Addr: addr, stop: make(chan struct{})}
	srv, err := smb.NewServer(&smb.ServerConfiguration{
		URL: "tcp://" + addr, Timeout: 5 * time.Minute, MaxClients: 8,
		Logger: log.New(io.Discard, "", 0),
	}, d)
	if err != nil {
		return nil, fmt.Errorf("modbus tcp %s: %w", addr, err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("modbus tcp %s: %w", addr, err)
	}
	d.srv = srv
	return d, nil
}

// Close stops the server; requests held by FaultSilent are released.
func (d *TCPDevice) Close() error {
	d.stopped.Do(func() { close(d.stop) })
	return d.srv.Stop()
}

// fault applies the charger's fault mode before a request is served: a
// silent device holds the request until the client gives up (or the
// device stops), a busy one answers exception 0x06.
func (d *TCPDevice) fault() error {
	switch d.C.Snapshot().Fault {
	case FaultSilent:
		select {
		case <-d.stop:
		case <-time.After(time.Minute):
		}
		return smb.ErrServerDeviceFailure
	case FaultException:
		return smb.ErrServerDeviceBusy
	}
	return nil
}

// HandleHoldingRegisters implements smb.RequestHandler.
func (d *TCPDevice) HandleHoldingRegisters(req *smb.HoldingRegistersRequest) ([]uint16, error) {
	if err := d.fault(); err != nil {
		return nil, err
	}
	if req.IsWrite {
		return nil, exception(d.Map.Write(req.UnitId, req.Addr, req.Args))
	}
	v, err := d.Map.Read(req.UnitId, req.Addr, req.Quantity)
	return v, exception(err)
}

// HandleInputRegisters implements smb.RequestHandler: the simulated models
// keep everything in holding registers.
func (d *TCPDevice) HandleInputRegisters(*smb.InputRegistersRequest) ([]uint16, error) {
	return nil, smb.ErrIllegalFunction
}

// HandleCoils implements smb.RequestHandler.
func (d *TCPDevice) HandleCoils(*smb.CoilsRequest) ([]bool, error) {
	return nil, smb.ErrIllegalFunction
}

// HandleDiscreteInputs implements smb.RequestHandler.
func (d *TCPDevice) HandleDiscreteInputs(*smb.DiscreteInputsRequest) ([]bool, error) {
	return nil, smb.ErrIllegalFunction
}

// exception maps a register-map error to the Modbus exception it answers.
func exception(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrIllegalAddress):
		return smb.ErrIllegalDataAddress
	case errors.Is(err, ErrIllegalValue):
		return smb.ErrIllegalDataValue
	case errors.Is(err, ErrIllegalFunction):
		return smb.ErrIllegalFunction
	case errors.Is(err, ErrBusy):
		return smb.ErrServerDeviceBusy
	case errors.Is(err, ErrUnknownUnit):
		return smb.ErrGWTargetFailedToRespond
	}
	return smb.ErrIllegalDataValue // a setpoint out of range
}
