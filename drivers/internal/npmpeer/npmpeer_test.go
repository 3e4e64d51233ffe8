package npmpeer

import (
	"os"
	"path/filepath"
	"testing"
)

func TestInstalledChecksEveryPinnedVersion(t *testing.T) {
	dir := t.TempDir()
	write := func(name, version string) {
		p := filepath.Join(dir, "node_modules", name)
		os.MkdirAll(p, 0o755)
		os.WriteFile(filepath.Join(p, "package.json"), []byte(`{"name":"`+name+`","version":"`+version+`"}`), 0o644)
	}
	write("ocpp-rpc", "2.2.1")
	if !installed(dir, []string{"ocpp-rpc@2.2.1"}) {
		t.Fatal("installed package not seen")
	}
	if installed(dir, []string{"ocpp-rpc@2.2.0"}) {
		t.Fatal("another version counted as installed")
	}
	if installed(dir, []string{"ocpp-rpc@2.2.1", "date-utils@1.2.21"}) {
		t.Fatal("a missing package counted as installed")
	}
	write("@scope/pkg", "1.0.0")
	if !installed(dir, []string{"@scope/pkg@1.0.0"}) {
		t.Fatal("scoped package not seen")
	}
}
