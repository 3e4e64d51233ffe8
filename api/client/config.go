package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/manifest"
)

// Config says how to reach and authenticate to a gateway. gwd writes it to
// <data-dir>/gwctl.yaml; gwctl reads it.
type Config struct {
	// Server is the API's base URL, e.g. http://127.0.0.1:8443.
	Server string `json:"server"`
	// CertificateAuthority is a PEM file of the CAs that sign the server's
	// certificate; CertificateAuthorityData is the same PEM inline.
	CertificateAuthority     string `json:"certificateAuthority,omitempty"`
	CertificateAuthorityData string `json:"certificateAuthorityData,omitempty"`
	// Token is sent as "Authorization: Bearer <token>".
	Token string `json:"token,omitempty"`
	// ClientCertificate and ClientKey are PEM files for mutual TLS.
	ClientCertificate string `json:"clientCertificate,omitempty"`
	ClientKey         string `json:"clientKey,omitempty"`
}

// MaxConfigBytes bounds a gwctl.yaml. A real one is a few lines; a larger
// file is a mistake (or an attack on gwctl's memory) and is refused.
const MaxConfigBytes = 1 << 20

// LoadConfig reads a gwctl.yaml. Unknown fields are errors, so a typo does
// not silently fall back to a default. Relative file paths in it are taken
// relative to the file's directory. The file is read up to MaxConfigBytes
// and decoded under the manifest limits (depth, key length, YAML alias
// expansion), like every other YAML gwctl reads.
func LoadConfig(path string) (*Config, error) {
	b, err := readConfig(path)
	if err != nil {
		return nil, err
	}
	j, err := manifest.ToJSON(b)
	if err != nil {
		return nil, fmt.Errorf("load client config %s: %w", path, err)
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("load client config %s: %w", path, err)
	}
	// An empty server is allowed here: gwctl's --server may supply it.
	if err := c.validate(false); err != nil {
		return nil, fmt.Errorf("load client config %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	for _, p := range []*string{&c.CertificateAuthority, &c.ClientCertificate, &c.ClientKey} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	return &c, nil
}

// readConfig reads the file at path, refusing one over MaxConfigBytes
// without reading more than that.
func readConfig(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load client config: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("load client config %s: %w", path, err)
	}
	if len(b) > MaxConfigBytes {
		return nil, fmt.Errorf("load client config %s: the file is larger than %d bytes; a gwctl.yaml holds a few lines", path, MaxConfigBytes)
	}
	return b, nil
}

// Save writes the config as YAML, readable by its owner only since it may
// hold a token. The file is replaced atomically.
func (c *Config) Save(path string) error {
	b, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Errorf("save client config: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save client config: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".gwctl-*.yaml")
	if err != nil {
		return fmt.Errorf("save client config: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	// One err through every step: a failed write or sync (a full disk) must
	// not be renamed over the old file and reported as saved.
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(b)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("save client config %s: %w", path, err)
	}
	return nil
}

func (c *Config) validate(needServer bool) error {
	if c.Server == "" && needServer {
		return fmt.Errorf("server is empty; set it to the gateway's API URL, e.g. http://127.0.0.1:8443")
	}
	if c.Server != "" {
		u, err := url.Parse(c.Server)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("server %q must be an http:// or https:// URL with a host", c.Server)
		}
	}
	if (c.ClientCertificate == "") != (c.ClientKey == "") {
		return fmt.Errorf("clientCertificate and clientKey must be set together")
	}
	return nil
}

// DefaultDataDir is where gwd keeps its state and gwctl.yaml: systemd's
// $STATE_DIRECTORY, /var/lib/ocppgw for a service or root, else the user's
// $XDG_STATE_HOME/ocppgw (default ~/.local/state/ocppgw).
func DefaultDataDir() string {
	if d := os.Getenv("STATE_DIRECTORY"); d != "" {
		// systemd lists one directory per StateDirectory= entry, ':'-separated.
		first, _, _ := strings.Cut(d, ":")
		return first
	}
	// INVOCATION_ID is set by systemd for every unit it starts.
	if os.Getenv("INVOCATION_ID") != "" || os.Geteuid() == 0 {
		return systemDataDir
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "ocppgw")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "state", "ocppgw")
	}
	return systemDataDir
}

const systemDataDir = "/var/lib/ocppgw"

// ConfigPaths lists where to look for gwctl.yaml, in order: the --config
// flag, $GWCTL_CONFIG, ~/.config/ocppgw/gwctl.yaml, DefaultDataDir()/gwctl.yaml
// and /var/lib/ocppgw/gwctl.yaml. Empty entries and repeats are left out.
func ConfigPaths(flag string) []string {
	cands := []string{flag, os.Getenv("GWCTL_CONFIG")}
	if d, err := os.UserConfigDir(); err == nil {
		cands = append(cands, filepath.Join(d, "ocppgw", "gwctl.yaml"))
	}
	cands = append(cands, filepath.Join(DefaultDataDir(), "gwctl.yaml"), filepath.Join(systemDataDir, "gwctl.yaml"))
	var out []string
	seen := map[string]bool{}
	for _, p := range cands {
		if p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
