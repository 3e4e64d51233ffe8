package i18n

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// logMessage is one message a log call can write, and where.
type logMessage struct {
	text, pos string
}

// msgArg is the index of the message argument of each slog.Logger method
// that logs at a level the method fixes; Log and LogAttrs take the level
// first and are handled apart.
var msgArg = map[string]int{"Info": 0, "Warn": 0, "Error": 0, "InfoContext": 1, "WarnContext": 1, "ErrorContext": 1}

// belowInfo are level names whose records are for developers, written in
// English whatever the language.
var belowInfo = map[string]bool{"LevelDebug": true, "LevelTrace": true}

// scanLogMessages parses every non-test Go file under root and returns the
// messages of its Info, Warn and Error log calls, and the calls whose
// message is not a string literal or a call of a function of the same
// package that returns only string literals.
func scanLogMessages(root string) (msgs []logMessage, bad []string, err error) {
	fset, dirs, err := parseSources(root)
	if err != nil {
		return nil, nil, err
	}
	for _, files := range dirs {
		funcs := map[string]*ast.FuncDecl{}
		for _, f := range files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil {
					funcs[fd.Name.Name] = fd
				}
			}
		}
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				arg := logCallMessage(f, call)
				if arg == nil {
					return true
				}
				pos := relPos(root, fset.Position(call.Pos()))
				texts, ok := constantMessages(arg, funcs)
				if !ok {
					bad = append(bad, pos)
				}
				for _, t := range texts {
					msgs = append(msgs, logMessage{t, pos})
				}
				return true
			})
		}
	}
	sort.Slice(msgs, func(i, j int) bool { return msgs[i].pos < msgs[j].pos })
	sort.Strings(bad)
	return msgs, bad, nil
}

// parseSources parses every Go file under root but tests, testdata,
// vendor and hidden directories, grouped by directory.
func parseSources(root string) (*token.FileSet, map[string][]*ast.File, error) {
	fset := token.NewFileSet()
	dirs := map[string][]*ast.File{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		dirs[filepath.Dir(path)] = append(dirs[filepath.Dir(path)], f)
		return nil
	})
	return fset, dirs, err
}

// logCallMessage returns the message argument of call if call looks like a
// slog log call at info level or above, else nil. It works on syntax alone:
// a method named like slog's, not called on an imported package other than
// slog, with enough arguments.
func logCallMessage(f *ast.File, call *ast.CallExpr) ast.Expr {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil && imported(f, id.Name) && id.Name != "slog" {
		return nil // http.Error and the like
	}
	name := sel.Sel.Name
	if name == "Log" || name == "LogAttrs" {
		if len(call.Args) < 3 {
			return nil
		}
		if lv, ok := call.Args[1].(*ast.SelectorExpr); ok && belowInfo[lv.Sel.Name] {
			return nil
		}
		return call.Args[2]
	}
	i, ok := msgArg[name]
	if !ok || len(call.Args) <= i {
		return nil
	}
	return call.Args[i]
}

func imported(f *ast.File, name string) bool {
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		if (im.Name != nil && im.Name.Name == name) || (im.Name == nil && filepath.Base(p) == name) {
			return true
		}
	}
	return false
}

// constantMessages returns the texts arg can have: a string literal, or
// every literal a same-package function returns. ok is false when arg can
// be any other text.
func constantMessages(arg ast.Expr, funcs map[string]*ast.FuncDecl) (texts []string, ok bool) {
	if s, ok := stringLit(arg); ok {
		return []string{s}, true
	}
	call, isCall := arg.(*ast.CallExpr)
	if !isCall {
		return nil, false
	}
	id, isIdent := call.Fun.(*ast.Ident)
	fd := funcs[identName(id, isIdent)]
	if fd == nil || fd.Body == nil {
		return nil, false
	}
	ok = true
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if _, lit := n.(*ast.FuncLit); lit {
			return false
		}
		ret, isRet := n.(*ast.ReturnStmt)
		if !isRet {
			return true
		}
		if len(ret.Results) != 1 {
			ok = false
			return false
		}
		s, lit := stringLit(ret.Results[0])
		if !lit {
			ok = false
			return false
		}
		texts = append(texts, s)
		return true
	})
	return texts, ok && len(texts) > 0
}

func identName(id *ast.Ident, ok bool) string {
	if !ok {
		return ""
	}
	return id.Name
}

// stringLit returns the value of a string literal, or of literals joined
// with +.
func stringLit(e ast.Expr) (string, bool) {
	if e == nil {
		return "", false
	}
	if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
		l, okl := stringLit(b.X)
		r, okr := stringLit(b.Y)
		return l + r, okl && okr
	}
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

func relPos(root string, p token.Position) string {
	rel, err := filepath.Rel(root, p.Filename)
	if err != nil {
		rel = p.Filename
	}
	return fmt.Sprintf("%s:%d", rel, p.Line)
}

// moduleRoot is the directory holding go.mod above the test's directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test directory")
		}
		dir = parent
	}
}

// reStableID matches the string literals that name catalog entries.
var reStableID = regexp.MustCompile(`^gwctl\.[A-Za-z]+(\.[A-Za-z]+)*$`)

// scanStableIDs returns every string literal under root, outside tests,
// that looks like a gwctl catalog id, with where it is.
func scanStableIDs(root string) (map[string]string, error) {
	fset, dirs, err := parseSources(root)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for _, files := range dirs {
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				if s, ok := stringLit(asExpr(n)); ok && reStableID.MatchString(s) && s != "gwctl.yaml" {
					ids[s] = relPos(root, fset.Position(n.Pos()))
				}
				return true
			})
		}
	}
	return ids, nil
}

func asExpr(n ast.Node) ast.Expr {
	if lit, ok := n.(*ast.BasicLit); ok {
		return lit
	}
	return nil
}

// scanConditionReasons returns the string values of the exported Reason*
// constants under dir, the reasons controllers write into conditions, with
// where each is declared.
func scanConditionReasons(root, dir string) (map[string]string, error) {
	fset, dirs, err := parseSources(filepath.Join(root, dir))
	if err != nil {
		return nil, err
	}
	reasons := map[string]string{}
	for _, files := range dirs {
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok {
					return true
				}
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Reason") || i >= len(vs.Values) {
						continue
					}
					if s, ok := stringLit(vs.Values[i]); ok {
						reasons[s] = relPos(root, fset.Position(name.Pos()))
					}
				}
				return true
			})
		}
	}
	return reasons, nil
}
