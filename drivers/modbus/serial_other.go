//go:build !linux

package modbus

import (
	"errors"
	"time"
)

// serialPort is implemented for Linux only, where the gateway runs.
type serialPort struct{}

func openSerial(dev string, baud int, parity string, stopBits int) (*serialPort, error) {
	return nil, errors.New("Modbus RTU serial lines are supported on Linux only")
}

func (p *serialPort) read(b []byte, deadline time.Time) (int, error) { return 0, errors.ErrUnsupported }
func (p *serialPort) readWaiting(b []byte) (int, error)              { return 0, errors.ErrUnsupported }
func (p *serialPort) write(b []byte) (int, error)                    { return 0, errors.ErrUnsupported }
func (p *serialPort) close() error                                   { return nil }
