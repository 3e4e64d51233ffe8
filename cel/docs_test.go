package cel

import (
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	celgo "cel.dev/cel-go/cel"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// allKinds is every environment a template expression can be compiled in.
func allKinds() []EnvKind {
	var out []EnvKind
	for _, p := range []string{v1alpha1.ProtocolModbus, v1alpha1.ProtocolEchonet} {
		out = append(out, SignalEnv(p))
		for _, c := range v1alpha1.CommandNames {
			out = append(out, CommandEnv(p, c))
		}
	}
	return out
}

// declared returns, by function and by variable name, where each is
// available, as docs/templates.md labels it. Functions of standard CEL are
// left out; the guide refers to the CEL language definition for them.
func declared(t *testing.T) (funcs, vars map[string]string) {
	t.Helper()
	std, err := celgo.NewEnv()
	if err != nil {
		t.Fatal(err)
	}
	fk, vk := map[string][]EnvKind{}, map[string][]EnvKind{}
	for _, k := range allKinds() {
		env, err := environment(k)
		if err != nil {
			t.Fatal(err)
		}
		for name := range env.Functions() {
			if !std.HasFunction(name) {
				fk[name] = append(fk[name], k)
			}
		}
		for _, v := range env.Variables() {
			vk[v.Name()] = append(vk[v.Name()], k)
		}
	}
	funcs, vars = map[string]string{}, map[string]string{}
	for n, ks := range fk {
		funcs[n] = where(ks)
	}
	for n, ks := range vk {
		vars[n] = where(ks)
	}
	return funcs, vars
}

// where names a set of environments: "all", or the protocol and the
// expressions ("signals", "commands", or one command's name).
func where(ks []EnvKind) string {
	if len(ks) == len(allKinds()) {
		return "all"
	}
	protocols, commands := map[string]bool{}, map[string]bool{}
	for _, k := range ks {
		protocols[k.Protocol] = true
		commands[k.Command] = true
	}
	var parts []string
	if len(protocols) == 1 {
		parts = append(parts, slices.Collect(maps.Keys(protocols))[0])
	}
	switch {
	case len(commands) == len(v1alpha1.CommandNames)+1:
	case len(commands) == len(v1alpha1.CommandNames) && !commands[""]:
		parts = append(parts, "commands")
	case len(commands) == 1 && commands[""]:
		parts = append(parts, "signals")
	case len(commands) == 1:
		parts = append(parts, slices.Collect(maps.Keys(commands))[0])
	default:
		parts = append(parts, fmt.Sprint(slices.Sorted(maps.Keys(commands))))
	}
	return strings.Join(parts, " ")
}

// guideRow is one row of a table in docs/templates.md whose first cell is a
// code span: a variable (`regs`) or a function signature (`u16(...) → int`,
// `w.unit(int id) → write`).
type guideRow struct {
	line         int
	name, where  string
	isFunc       bool
	sig, example string
}

var (
	rowRE  = regexp.MustCompile("^\\| `([^`]+)` \\|(.*)$")
	codeRE = regexp.MustCompile("`([^`]+)`")
)

func guideRows(t *testing.T) []guideRow {
	t.Helper()
	raw, err := os.ReadFile("../docs/templates.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []guideRow
	for i, line := range strings.Split(string(raw), "\n") {
		m := rowRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		cells := strings.Split(strings.Trim(m[2], " |"), " | ")
		r := guideRow{line: i + 1, sig: m[1]}
		head, _, isFunc := strings.Cut(m[1], "(")
		r.isFunc = isFunc
		r.name = head
		if recv, fn, ok := strings.Cut(head, "."); ok && len(recv) == 1 {
			r.name = fn // a member function, written with a one-letter receiver
		}
		switch {
		case isFunc:
			r.where = cells[0]
			if ex := codeRE.FindStringSubmatch(strings.Join(cells[1:], " ")); ex != nil {
				r.example = ex[1]
			}
		case !isFunc && len(cells) >= 3:
			r.where = cells[1] // variables: | name | type | where | meaning |
		default:
			continue // another table (signals, commands) whose first cell is code
		}
		rows = append(rows, r)
	}
	return rows
}

// TestGuideMatchesEnvironments keeps docs/templates.md and the CEL
// environments in step: every declared function and variable is documented
// with where it is available, and nothing documented is missing from them.
func TestGuideMatchesEnvironments(t *testing.T) {
	funcs, vars := declared(t)
	documented := map[string]bool{}
	for _, r := range guideRows(t) {
		want, ok := funcs[r.name]
		if !r.isFunc {
			want, ok = vars[r.name]
		}
		switch {
		case !ok:
			t.Errorf("docs/templates.md:%d documents %q, which no environment declares", r.line, r.sig)
		case r.where != want:
			t.Errorf("docs/templates.md:%d: %s is available in %q, the guide says %q", r.line, r.name, want, r.where)
		}
		documented[r.name] = true
	}
	for _, m := range []map[string]string{funcs, vars} {
		for _, name := range slices.Sorted(maps.Keys(m)) {
			if !documented[name] {
				t.Errorf("docs/templates.md does not document %s (available in %s)", name, m[name])
			}
		}
	}
	if len(documented) < 60 {
		t.Errorf("only %d names documented; is the table format still what guideRows reads?", len(documented))
	}
}

// TestGuideExamplesCompile compiles every function example of the guide in
// some environment, so the examples stay valid CEL.
func TestGuideExamplesCompile(t *testing.T) {
	n := 0
	for _, r := range guideRows(t) {
		if r.example == "" {
			continue
		}
		n++
		var firstErr error
		for _, k := range allKinds() {
			// Wrapping the example in a list types any example as bool.
			_, err := Compile(k, "["+r.example+"].size() == 1", OutputBool)
			if err == nil {
				firstErr = nil
				break
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		if firstErr != nil {
			t.Errorf("docs/templates.md:%d: example %q does not compile: %v", r.line, r.example, firstErr)
		}
	}
	if n < 40 {
		t.Errorf("only %d examples found", n)
	}
}
