package strictcsms

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Version is the pinned ocpp-rpc release.
const Version = "2.2.1"

// ErrNoNode means node or npm is not installed, so the peer cannot run.
var ErrNoNode = errors.New("strictcsms: node and npm are required (apt-get install nodejs npm)")

// Install makes sure ocpp-rpc@Version is installed and returns its prefix
// directory. It installs once into $OCPPGW_PEERS_DIR (default
// ~/.cache/ocppgw-peers), keyed by version, never into the repository.
func Install() (string, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return "", ErrNoNode
	}
	root := os.Getenv("OCPPGW_PEERS_DIR")
	if root == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("strictcsms: cache directory: %w", err)
		}
		root = filepath.Join(cache, "ocppgw-peers")
	}
	dir := filepath.Join(root, "ocpp-rpc-"+Version)
	if installedVersion(dir) == Version {
		return dir, nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return "", ErrNoNode
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("strictcsms: %w", err)
	}
	out, err := exec.Command("npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, "ocpp-rpc@"+Version).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("strictcsms: npm install ocpp-rpc@%s: %w\n%s", Version, err, out)
	}
	if v := installedVersion(dir); v != Version {
		return "", fmt.Errorf("strictcsms: npm installed ocpp-rpc %q, want %s", v, Version)
	}
	return dir, nil
}

func installedVersion(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", "ocpp-rpc", "package.json"))
	if err != nil {
		return ""
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(b, &pkg) != nil {
		return ""
	}
	return pkg.Version
}
