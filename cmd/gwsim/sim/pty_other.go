//go:build !linux

package sim

import (
	"errors"
	"os"
)

func openPTY() (master, slave *os.File, path string, err error) {
	return nil, nil, "", errors.New("simulated RTU bus: pseudo-terminals are implemented for Linux only")
}
