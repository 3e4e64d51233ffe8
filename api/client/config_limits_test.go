package client

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/internal/memcheck"
)

// TestLoadConfigBounds: a gwctl.yaml over MaxConfigBytes, an alias bomb
// within it and a document nested too deep are refused with an error
// naming the file and the limit, and loading any of them allocates a small
// constant factor of MaxConfigBytes at most, not what the file expands to.
func TestLoadConfigBounds(t *testing.T) {
	dir := t.TempDir()
	big := "x" + strings.Repeat("y", 100<<10)
	bomb := "server: http://127.0.0.1:1\npad: &p " + big + "\nmore: [" + strings.TrimSuffix(strings.Repeat("*p, ", 1000), ", ") + "]\n"
	deep := "server: http://127.0.0.1:1\nnest: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n"
	cases := []struct {
		name  string
		write func(path string) error
		want  string
	}{
		{"64 MiB file", func(p string) error {
			if err := os.WriteFile(p, []byte("server: http://127.0.0.1:1\n# "), 0o600); err != nil {
				return err
			}
			return os.Truncate(p, 64<<20) // sparse: costs no disk
		}, "larger than 1048576 bytes"},
		{"alias bomb", func(p string) error { return os.WriteFile(p, []byte(bomb), 0o600) }, "maxAliasExpansion"},
		{"nested too deep", func(p string) error { return os.WriteFile(p, []byte(deep), 0o600) }, "maxDepth"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".yaml")
			if err := c.write(p); err != nil {
				t.Fatal(err)
			}
			var err error
			n := memcheck.Allocated(func() { _, err = LoadConfig(p) })
			t.Logf("allocated %d kB: %v", n>>10, err)
			if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want one naming %s and %q", err, p, c.want)
			}
			if n > 16*MaxConfigBytes {
				t.Errorf("loading allocated %d bytes, over 16 × MaxConfigBytes", n)
			}
		})
	}
}
