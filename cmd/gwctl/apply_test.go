package main

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/store"
)

const siteDir = "testdata/site"

// chargerDoc is a Charger manifest for stdin.
func chargerDoc(name, host string) string {
	return `apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata:
  name: ` + name + `
  labels:
    site: lab
spec:
  templateRef: wallbox
  connection:
    modbusTCP:
      host: ` + host + `
      port: 502
      unitId: 1
  ocpp:
    stationId: CP-0001
    csmsRef: main
`
}

func TestApplyReportsEachAction(t *testing.T) {
	e := newTestEnv(t)
	out := e.mustRun("apply", "-f", siteDir)
	want := "csms/main created\ntemplate/wallbox created\ntemplate/wallbox-pro created\ncharger/ch-1 created\ncharger/ch-2 created\n"
	if out != want {
		t.Errorf("first apply printed\n%s\nwant\n%s", out, want)
	}
	if _, err := e.store.Get("Charger", "ch-2"); err != nil {
		t.Errorf("ch-2 not stored: %v", err)
	}

	out = e.mustRun("apply", "-f", siteDir)
	if strings.Count(out, " unchanged\n") != 5 {
		t.Errorf("second apply should leave all 5 unchanged, printed\n%s", out)
	}

	r := e.runStdin(chargerDoc("ch-1", "10.0.0.9"), "apply", "-f", "-")
	if r.code != 0 || r.out != "charger/ch-1 configured\n" {
		t.Errorf("changed apply: exit %d, printed %q (stderr %q)", r.code, r.out, r.err)
	}
	obj, err := e.store.Get("Charger", "ch-1")
	if err != nil || !strings.Contains(string(obj.Spec), "10.0.0.9") {
		t.Errorf("ch-1 not updated in the store: %v %s", err, obj.Spec)
	}
}

func TestApplyDryRunStoresNothing(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	rev := e.store.Revision()
	r := e.runStdin(chargerDoc("ch-3", "10.0.0.3"), "apply", "-f", "-", "--dry-run")
	if r.code != 0 || r.out != "charger/ch-3 created (dry run)\n" {
		t.Errorf("dry run: exit %d, printed %q (stderr %q)", r.code, r.out, r.err)
	}
	if _, err := e.store.Get("Charger", "ch-3"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("dry run stored ch-3: err = %v", err)
	}
	if got := e.store.Revision(); got != rev {
		t.Errorf("dry run moved the revision from %d to %d", rev, got)
	}
}

func TestApplyPrune(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	out := e.mustRun("apply", "-f", filepath.Join(siteDir, "10-csms.yaml"), "-f", filepath.Join(siteDir, "20-templates.yaml"),
		"--prune", "-l", "site=lab")
	for _, line := range []string{"charger/ch-1 pruned", "charger/ch-2 pruned", "template/wallbox unchanged"} {
		if !hasLine(out, line) {
			t.Errorf("prune output lacks %q:\n%s", line, out)
		}
	}
	if objs, _ := e.store.List("Charger"); len(objs) != 0 {
		t.Errorf("%d chargers left after prune, want 0", len(objs))
	}

	r := e.run("apply", "-f", siteDir, "--prune")
	if r.code != 1 || !strings.Contains(r.err, "--prune requires a label selector") {
		t.Errorf("--prune without -l: exit %d, stderr %q", r.code, r.err)
	}
}

// TestApplyInvalidDocument: one bad document stops the whole apply before the
// server is contacted, and the message names file, document and field.
func TestApplyInvalidDocument(t *testing.T) {
	e := newTestEnv(t)
	r := e.run("apply", "-f", siteDir, "-f", "testdata/bad.yaml")
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.err)
	}
	want := "testdata/bad.yaml: document 2 (Charger/ch-bad): spec.connection.modbusTCP.port: "
	if !strings.Contains(r.err, want) {
		t.Errorf("stderr does not name the file, document and field (%q):\n%s", want, r.err)
	}
	if strings.Contains(r.err, "ch-ok") {
		t.Errorf("stderr blames the valid document:\n%s", r.err)
	}
	if r.out != "" {
		t.Errorf("stdout should be empty, got %q", r.out)
	}
	if n := e.requests.Load(); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
	if rev := e.store.Revision(); rev != e.rev0 {
		t.Errorf("store revision %d after a rejected apply, want 0", rev)
	}
}

// TestApplyMapsServerCausesToFiles: the server checks references across the
// merged request; its causes count documents in that stream, and gwctl must
// report them as the user's file and document.
func TestApplyMapsServerCausesToFiles(t *testing.T) {
	e := newTestEnv(t)
	r := e.run("apply", "-f", filepath.Join(siteDir, "10-csms.yaml"), "-f", filepath.Join(siteDir, "30-chargers.yaml"))
	if r.code != 1 {
		t.Fatalf("exit %d, want 1; stdout %q", r.code, r.out)
	}
	chargers := filepath.Join(siteDir, "30-chargers.yaml")
	for _, want := range []string{
		"error: 2 documents are invalid\n",
		"  " + chargers + `: document 1 (Charger/ch-1): spec.templateRef: Template "wallbox" not found` + "\n",
		"  " + chargers + `: document 2 (Charger/ch-2): spec.templateRef: Template "wallbox-pro" not found` + "\n",
	} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	if strings.Contains(r.err, "document 3") {
		t.Errorf("stderr uses the merged stream's numbering:\n%s", r.err)
	}
	if rev := e.store.Revision(); rev != e.rev0 {
		t.Errorf("store revision %d after a rejected apply, want 0", rev)
	}
}

func TestApplyNeedsFilename(t *testing.T) {
	e := &testEnv{t: t, config: "/nonexistent/gwctl.yaml"}
	r := e.run("apply")
	if r.code != 1 || !strings.Contains(r.err, "must specify -f") {
		t.Errorf("exit %d, stderr %q", r.code, r.err)
	}
}

// TestApplyWarnsWhenAPollCannotFitItsInterval: a KEBA-like template of ten
// blocks with a 5 s timeout cannot finish a poll of a silent device within
// 1 s; the apply succeeds and says so on stderr, naming the figures. The
// same charger at a 60 s interval gets no warning.
func TestApplyWarnsWhenAPollCannotFitItsInterval(t *testing.T) {
	e := newTestEnv(t)
	var blocks strings.Builder
	for i := range 10 {
		fmt.Fprintf(&blocks, "        - {name: b%d, address: %d, count: 2}\n", i, 1000+2*i)
	}
	doc := func(interval string) string {
		return `apiVersion: ocppgw.dev/v1alpha1
kind: Template
metadata: {name: keba-like}
spec:
  protocol: modbus
  read:
    modbus:
      blocks:
` + blocks.String() + `  signals:
    powerW: 'double(u32(regs["b0"], 0))'
---
apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata: {name: wb-1}
spec:
  templateRef: keba-like
  pollInterval: ` + interval + `
  connection:
    modbusTCP: {host: 10.0.0.9, unitId: 255, timeout: 5s}
`
	}
	r := e.runStdin(doc("1s"), "apply", "-f", "-")
	if r.code != 0 || !strings.Contains(r.out, "charger/wb-1 created") {
		t.Fatalf("apply: exit %d\n%s%s", r.code, r.out, r.err)
	}
	for _, want := range []string{`Warning: Charger "wb-1": one poll can take up to 50s`, "10 blocks × 5s timeout over Modbus TCP", "pollInterval 1s"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	r = e.runStdin(doc("60s"), "apply", "-f", "-")
	if r.code != 0 || strings.Contains(r.err, "Warning") {
		t.Fatalf("apply at 60s: exit %d\n%s%s", r.code, r.out, r.err)
	}
}
