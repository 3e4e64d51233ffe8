package elpeer

import (
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/ocppgw/ocppgw/drivers/internal/npmpeer"
)

// The pinned peer: echonet-lite 2.16.2 requires date-utils without
// declaring it.
const (
	Package = "echonet-lite@2.16.2"
	Depend  = "date-utils@1.2.21"
)

// Install installs the pinned packages if needed and returns the directory
// to give node as NODE_PATH.
func Install() (string, error) {
	dir, err := npmpeer.Install(Package, Depend)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "node_modules"), nil
}

// Script is the absolute path of the EV charger device script.
func Script() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", fmt.Errorf("elpeer: cannot locate the package source")
	}
	return filepath.Join(filepath.Dir(file), "..", "testdata", "evpeer.js"), nil
}
