package npmpeer

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoNode means node or npm is not installed, so no npm peer can run.
var ErrNoNode = errors.New("npmpeer: node and npm are required (apt-get install nodejs npm)")

// Install makes sure every package ("name@version") is installed in one
// prefix directory and returns it; node_modules is below it. The directory
// is $OCPPGW_PEERS_DIR (default ~/.cache/ocppgw-peers) joined with the
// packages, so each pinned set installs once.
func Install(packages ...string) (string, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return "", ErrNoNode
	}
	root := os.Getenv("OCPPGW_PEERS_DIR")
	if root == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("npmpeer: cache directory: %w", err)
		}
		root = filepath.Join(cache, "ocppgw-peers")
	}
	dir := filepath.Join(root, strings.ReplaceAll(strings.Join(packages, "+"), "/", "_"))
	if installed(dir, packages) {
		return dir, nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return "", ErrNoNode
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("npmpeer: %w", err)
	}
	args := append([]string{"install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir}, packages...)
	if out, err := exec.Command("npm", args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("npmpeer: npm install %s: %w\n%s", strings.Join(packages, " "), err, out)
	}
	if !installed(dir, packages) {
		return "", fmt.Errorf("npmpeer: npm did not install %s at the pinned versions in %s", strings.Join(packages, " "), dir)
	}
	return dir, nil
}

func installed(dir string, packages []string) bool {
	for _, p := range packages {
		name, version, _ := strings.Cut(p[1:], "@") // p[1:]: scoped names start with '@'
		name = p[:1] + name
		b, err := os.ReadFile(filepath.Join(dir, "node_modules", name, "package.json"))
		if err != nil {
			return false
		}
		var pkg struct {
			Version string `json:"version"`
		}
		if json.Unmarshal(b, &pkg) != nil || pkg.Version != version {
			return false
		}
	}
	return true
}
