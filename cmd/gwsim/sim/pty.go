//go:build linux

package sim

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// openPTY creates a pseudo-terminal pair without socat: the master, which
// the simulated bus serves, and the slave, in raw mode, which a Modbus
// master opens as its serial line. The slave stays open here too, so the
// master side never reads EIO while no client has the line open.
func openPTY() (master, slave *os.File, path string, err error) {
	mfd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, "", fmt.Errorf("open /dev/ptmx: %w", err)
	}
	fail := func(what string, err error) (*os.File, *os.File, string, error) {
		unix.Close(mfd)
		return nil, nil, "", fmt.Errorf("pty %s: %w", what, err)
	}
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		return fail("unlock", err)
	}
	n, err := unix.IoctlGetUint32(mfd, unix.TIOCGPTN)
	if err != nil {
		return fail("number", err)
	}
	path = fmt.Sprintf("/dev/pts/%d", n)
	sfd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fail("open "+path, err)
	}
	if err := makeRaw(sfd); err != nil {
		unix.Close(sfd)
		return fail("raw mode", err)
	}
	// Non-blocking, so the runtime poller owns it: reads take deadlines and
	// Close interrupts a pending read.
	if err := unix.SetNonblock(mfd, true); err != nil {
		unix.Close(sfd)
		return fail("non-blocking", err)
	}
	return os.NewFile(uintptr(mfd), "/dev/ptmx"), os.NewFile(uintptr(sfd), path), path, nil
}

// makeRaw is cfmakeraw(3): no echo, no line editing, no byte translation,
// which would otherwise corrupt binary RTU frames.
func makeRaw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}
