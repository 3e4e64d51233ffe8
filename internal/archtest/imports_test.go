package archtest

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/ocppgw/ocppgw/drivers"
	_ "github.com/ocppgw/ocppgw/drivers/linked" // the protocols gwctl links
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

// TestGwctlNamesNoProtocol fails when a Go identifier in gwctl's sources
// (tests aside) has a registered protocol's name as one of its words
// (v1alpha1.ModbusTCPConnection, ConnEchonet): gwctl builds its
// protocols' commands, flags and columns from the registry. Strings are
// not checked, so help texts may still show a protocol as an example, and
// the message catalogue lives in internal/i18n.
func TestGwctlNamesNoProtocol(t *testing.T) {
	names := drivers.Names()
	if len(names) < 3 {
		t.Fatalf("only %v registered: drivers/linked no longer links the protocols", names)
	}
	fset := token.NewFileSet()
	files, err := filepath.Glob("../../cmd/gwctl/*.go")
	if err != nil || len(files) < 10 {
		t.Fatalf("gwctl's sources: %d files, %v", len(files), err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				for _, w := range identWords(id.Name) {
					if slices.Contains(names, w) {
						t.Errorf("%s: %s names protocol %q; take it from the drivers registry", fset.Position(id.Pos()), id.Name, w)
					}
				}
			}
			return true
		})
	}
}

// identWords splits a Go identifier into its lower-cased words:
// ConnModbusTCP is conn, modbus, tcp; echonet_eoj is echonet, eoj.
func identWords(name string) []string {
	var words []string
	start := 0
	r := []rune(name)
	for i := 1; i <= len(r); i++ {
		boundary := i == len(r) || r[i] == '_' ||
			(unicode.IsUpper(r[i]) && (!unicode.IsUpper(r[i-1]) || (i+1 < len(r) && unicode.IsLower(r[i+1]))))
		if boundary {
			if w := strings.Trim(string(r[start:i]), "_"); w != "" {
				words = append(words, strings.ToLower(w))
			}
			start = i
		}
	}
	return words
}

func TestIdentWords(t *testing.T) {
	for in, want := range map[string]string{
		"ConnModbusTCP": "conn modbus tcp", "v1alpha1": "v1alpha1", "echonet_eoj": "echonet eoj",
		"goeURL": "goe url", "HTTPServer": "http server", "goes": "goes", "x": "x",
	} {
		if got := strings.Join(identWords(in), " "); got != want {
			t.Errorf("identWords(%q) = %q, want %q", in, got, want)
		}
	}
}
