//go:build linux

package modbus

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// serialPort is an RS-485 line in raw mode, held by the runtime poller so
// that a read takes a deadline and waiting input can be taken without
// waiting. goburrow/serial can do neither: its reads wait a fixed timeout in
// select(2), so finding out that the line is quiet before each request
// would cost that timeout every time (and select limits fds to 1024).
type serialPort struct {
	f  *os.File
	rc syscall.RawConn
}

var termiosSpeeds = map[int]uint32{9600: unix.B9600, 19200: unix.B19200, 38400: unix.B38400, 57600: unix.B57600, 115200: unix.B115200}

// openSerial opens dev at baud with 8 data bits; parity is N, E or O.
func openSerial(dev string, baud int, parity string, stopBits int) (*serialPort, error) {
	f, err := os.OpenFile(dev, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	rc, err := f.SyscallConn()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	var terr error
	if err := rc.Control(func(fd uintptr) { terr = setLine(int(fd), baud, parity, stopBits) }); err != nil {
		terr = err
	}
	if terr != nil {
		_ = f.Close()
		return nil, fmt.Errorf("set %d baud, parity %s, %d stop bits: %w", baud, parity, stopBits, terr)
	}
	return &serialPort{f: f, rc: rc}, nil
}

// setLine is cfmakeraw(3) plus the line settings: no echo, no line editing
// and no byte translation, which would corrupt binary frames.
func setLine(fd, baud int, parity string, stopBits int) error {
	speed, ok := termiosSpeeds[baud]
	if !ok {
		return fmt.Errorf("baud rate %d not supported", baud)
	}
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag, t.Oflag, t.Lflag = 0, 0, 0
	t.Cflag = unix.CREAD | unix.CLOCAL | unix.CS8 | speed
	switch parity {
	case "E":
		t.Cflag |= unix.PARENB
		t.Iflag |= unix.INPCK
	case "O":
		t.Cflag |= unix.PARENB | unix.PARODD
		t.Iflag |= unix.INPCK
	}
	if stopBits == 2 {
		t.Cflag |= unix.CSTOPB
	}
	t.Ispeed, t.Ospeed = speed, speed
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// read waits until deadline for at least one byte. A deadline that passes
// with nothing read is os.ErrDeadlineExceeded.
func (p *serialPort) read(b []byte, deadline time.Time) (int, error) {
	if err := p.f.SetReadDeadline(deadline); err != nil {
		return 0, err
	}
	return p.f.Read(b)
}

// readWaiting takes whatever input is already waiting, without waiting.
func (p *serialPort) readWaiting(b []byte) (int, error) {
	if err := p.f.SetReadDeadline(time.Time{}); err != nil {
		return 0, err
	}
	var n int
	var rerr error
	err := p.rc.Read(func(fd uintptr) bool {
		n, rerr = unix.Read(int(fd), b)
		return true
	})
	switch {
	case err != nil:
		return 0, err
	case errors.Is(rerr, unix.EAGAIN):
		return 0, nil
	case rerr != nil:
		return 0, rerr
	}
	return n, nil
}

func (p *serialPort) write(b []byte) (int, error) { return p.f.Write(b) }

func (p *serialPort) close() error { return p.f.Close() }
