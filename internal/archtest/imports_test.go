package archtest

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/ocppgw/ocppgw/"

// layers are the packages that must learn of protocols from the registry only. Each is
// checked for its direct imports; together they cover every path between them.
var layers = []string{"./api/...", "./cel/...", "./controllers/...", "./metrics/...",
	"./internal/...", "./cmd/gwctl", "./cmd/gwd"}

// protocolPkgs are the packages of the built-in protocols. drivers/linked is how a binary
// links them and is allowed.
var protocolPkgs = []string{"drivers/modbus", "drivers/echonet", "drivers/goe",
	"drivers/modbusdev", "drivers/echonetdev"}

// known are the imports that predate the registry, to be removed as they move behind it
// (docs/adding-a-protocol.md, "Not yet behind the registry"). A new import fails the test;
// one removed from the code must be removed here too. None is left.
var known = map[string]bool{}

type listed struct {
	ImportPath string
	Imports    []string
}

// TestNoProtocolImports fails when a layer imports a protocol's package directly.
func TestNoProtocolImports(t *testing.T) {
	cmd := exec.Command("go", append([]string{"list", "-json=ImportPath,Imports"}, layers...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v: %s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	found := map[string]bool{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	n := 0
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		n++
		from := strings.TrimPrefix(p.ImportPath, module)
		for _, imp := range p.Imports {
			for _, proto := range protocolPkgs {
				if imp != module+proto && !strings.HasPrefix(imp, module+proto+"/") {
					continue
				}
				edge := from + " -> " + strings.TrimPrefix(imp, module)
				found[edge] = true
				if !known[edge] {
					t.Errorf("%s imports %s: protocols reach this layer through the drivers registry (docs/adding-a-protocol.md)", from, imp)
				}
			}
		}
	}
	if n < 10 {
		t.Fatalf("go list listed %d packages; the patterns no longer match the tree", n)
	}
	for edge := range known {
		if !found[edge] {
			t.Errorf("%s is gone: remove it from known", edge)
		}
	}
}
