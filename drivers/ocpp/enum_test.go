package ocpp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestEnumRegistrationMatchesConstants reads the package source and checks
// that every constant of an enum type is registered and every registered
// value has a constant, so a value added to a const block cannot be
// forgotten in the registerEnum call (and thus in the schemas).
func TestEnumRegistrationMatchesConstants(t *testing.T) {
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string][]string{} // enum type name → constant values
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		collectEnumConsts(f, declared)
	}
	registered := map[string][]string{}
	for typ, values := range enumValues {
		registered[typ.Name()] = values
	}
	for name, values := range declared {
		if !strings.HasSuffix(name, "EnumType") {
			continue
		}
		got := slices.Sorted(slices.Values(registered[name]))
		want := slices.Sorted(slices.Values(values))
		if !slices.Equal(got, want) {
			t.Errorf("%s: constants %v, registered %v", name, want, got)
		}
	}
	for name := range registered {
		if _, ok := declared[name]; !ok {
			t.Errorf("%s is registered but declares no constants", name)
		}
	}
}

func collectEnumConsts(f *ast.File, out map[string][]string) {
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			ident, ok := vs.Type.(*ast.Ident)
			if !ok || len(vs.Values) != 1 {
				continue
			}
			lit, ok := vs.Values[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			v, _ := strconv.Unquote(lit.Value)
			out[ident.Name] = append(out[ident.Name], v)
		}
	}
}
