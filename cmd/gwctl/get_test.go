package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

func TestGetChargersWideGolden(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	out := e.mustRun("get", "chargers", "-o", "wide")
	checkGolden(t, "get_chargers_wide.golden", normaliseAge(out))
	out = e.mustRun("get", "templates")
	checkGolden(t, "get_templates.golden", normaliseAge(out))
}

func TestGetKindAliases(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	for _, kind := range []string{"charger", "chargers", "ch", "Charger", "CHARGERS"} {
		if out := e.mustRun("get", kind, "-o", "name"); out != "charger/ch-1\ncharger/ch-2\n" {
			t.Errorf("get %s -o name = %q", kind, out)
		}
	}
	if out := e.mustRun("get", "ch/ch-2", "tpl/wallbox", "-o", "name"); out != "charger/ch-2\ntemplate/wallbox\n" {
		t.Errorf("get KIND/NAME -o name = %q", out)
	}
	r := e.run("get", "gizmos")
	if r.code != 1 || !strings.Contains(r.err, `error: unknown resource type "gizmos"`) {
		t.Errorf("unknown kind: exit %d, stderr %q", r.code, r.err)
	}
}

func TestGetSelectorAndNotFound(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	if out := e.mustRun("get", "all", "-l", "site=lab", "-o", "name"); out != "template/wallbox\ntemplate/wallbox-pro\ncharger/ch-1\ncharger/ch-2\n" {
		t.Errorf("get all -l site=lab = %q", out)
	}
	r := e.run("get", "ch", "ch-1", "nope")
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
	if !hasLine(r.out, `ch-1\s+wallbox\s+.*`) {
		t.Errorf("the found charger is missing from stdout:\n%s", r.out)
	}
	if !strings.Contains(r.err, "error: ") || !strings.Contains(r.err, "nope") || !strings.Contains(r.err, "not found") {
		t.Errorf("stderr should name the missing charger: %q", r.err)
	}
	r = e.run("get", "transactions")
	if r.code != 0 || r.out != "" || r.err != "No transactions found.\n" {
		t.Errorf("empty list: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
}

func TestGetAllPrintsATablePerKind(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	out := e.mustRun("get", "all")
	for _, re := range []string{`NAME\s+URL\s+PROFILE\s+AGE`, `csms/main\s+ws://127.0.0.1:9000/ocpp\s+1\s+\S+`,
		`template/wallbox-pro\s+-\s+wallbox\s+.*`, `charger/ch-2\s+wallbox-pro\s+tcp 10.0.0.6:502/1\s+.*`} {
		if !hasLine(out, re) {
			t.Errorf("get all lacks a line matching %q:\n%s", re, out)
		}
	}
	if strings.Contains(out, "secret") || strings.Count(out, "NAME") != 3 {
		t.Errorf("get all should print exactly the three non-empty kinds:\n%s", out)
	}
}

// TestGetOutputRoundTrips: what get -o yaml/json prints decodes as a manifest
// with the same spec as stored.
func TestGetOutputRoundTrips(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	stored, err := e.store.Get("Charger", "ch-1")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"yaml", "json"} {
		out := e.mustRun("get", "charger", "ch-1", "-o", format)
		docs, err := manifest.Decode("get."+format, []byte(out))
		if err != nil {
			t.Fatalf("-o %s does not decode as a manifest: %v\n%s", format, err, out)
		}
		if len(docs) != 1 || docs[0].Object.Metadata.Name != "ch-1" || docs[0].Object.Kind != "Charger" {
			t.Fatalf("-o %s decoded to %+v", format, docs)
		}
		got, _ := v1alpha1.Canonical(docs[0].Object.Spec)
		want, _ := v1alpha1.Canonical(stored.Spec)
		if !bytes.Equal(got, want) {
			t.Errorf("-o %s spec\n%s\nwant\n%s", format, got, want)
		}
	}

	var l v1alpha1.List
	if err := yaml.Unmarshal([]byte(e.mustRun("get", "chargers", "-o", "yaml")), &l); err != nil {
		t.Fatal(err)
	}
	if l.Kind != "List" || len(l.Items) != 2 || l.Items[1].Metadata.Name != "ch-2" {
		t.Errorf("-o yaml list: kind %q, %d items", l.Kind, len(l.Items))
	}
	l = v1alpha1.List{}
	if err := json.Unmarshal([]byte(e.mustRun("get", "ch", "-o", "json")), &l); err != nil {
		t.Fatal(err)
	}
	if l.Kind != "List" || len(l.Items) != 2 || l.Metadata.ResourceVersion == "" {
		t.Errorf("-o json list: kind %q, %d items, rv %q", l.Kind, len(l.Items), l.Metadata.ResourceVersion)
	}
}

// watchRun starts `gwctl get ... -w` in the background and returns its output
// and a stop function that cancels it and returns its exit code.
func (e *testEnv) watchRun(args ...string) (*testutil.Buffer, func() int) {
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &testutil.Buffer{}, &testutil.Buffer{}
	done := make(chan int, 1)
	go func() {
		done <- gwctl(ctx, strings.NewReader(""), out, errOut, append([]string{"--config", e.config}, args...)...)
	}()
	stop := func() int {
		cancel()
		select {
		case code := <-done:
			if errOut.String() != "" {
				e.t.Errorf("watch stderr: %s", errOut.String())
			}
			return code
		case <-time.After(10 * time.Second):
			e.t.Fatal("get -w did not return after cancel")
			return -1
		}
	}
	e.t.Cleanup(func() { cancel() })
	return out, stop
}

func TestGetWatchPrintsLaterChanges(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	out, stop := e.watchRun("get", "chargers", "-w", "--output-watch-events")
	testutil.Eventually(t, 10*time.Second, "the initial chargers", testutil.Holds(func() bool {
		s := out.String()
		return hasLine(s, `EVENT\s+NAME\s+TEMPLATE\s+CONNECTION\s+DEVICE\s+EV\s+OCPP\s+REASON\s+AGE`) &&
			hasLine(s, `ADDED\s+ch-1\s+wallbox\s+.*`) && hasLine(s, `ADDED\s+ch-2\s+.*`)
	}))
	e.runStdin(chargerDoc("ch-3", "10.0.0.3"), "apply", "-f", "-")
	testutil.Eventually(t, 10*time.Second, "an ADDED row for ch-3", testutil.Holds(func() bool { return hasLine(out.String(), `ADDED\s+ch-3\s+wallbox\s+tcp 10.0.0.3:502/1\s+.*`) }))
	e.runStdin(chargerDoc("ch-3", "10.0.0.4"), "apply", "-f", "-")
	testutil.Eventually(t, 10*time.Second, "a MODIFIED row for ch-3", testutil.Holds(func() bool { return hasLine(out.String(), `MODIFIED\s+ch-3\s+wallbox\s+tcp 10.0.0.4:502/1\s+.*`) }))
	e.mustRun("delete", "charger", "ch-1")
	testutil.Eventually(t, 10*time.Second, "a DELETED row for ch-1", testutil.Holds(func() bool { return hasLine(out.String(), `DELETED\s+ch-1\s+.*`) }))
	stopWatch(t, stop, out, "EVENT")
}

// stopWatch cancels a `get -w` and checks that it ended with exit 0 having
// printed the header, which contains header, once.
func stopWatch(t *testing.T, stop func() int, out *testutil.Buffer, header string) {
	t.Helper()
	if code := stop(); code != 0 {
		t.Errorf("get -w exit %d after cancel, want 0", code)
	}
	if n := strings.Count(out.String(), header); n != 1 {
		t.Errorf("header printed %d times, want once:\n%s", n, out.String())
	}
}

func TestGetWatchOnlySkipsExistingObjects(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	out, stop := e.watchRun("get", "ch", "--watch-only", "-o", "name")
	// Nothing shows when the watch is established, so keep changing ch-3
	// until a change lands after it.
	i := 0
	testutil.Eventually(t, 10*time.Second, "ch-3 in the watch output", testutil.Holds(func() bool {
		i++
		e.runStdin(chargerDoc("ch-3", fmt.Sprintf("10.0.1.%d", i%250+1)), "apply", "-f", "-")
		return strings.Contains(out.String(), "charger/ch-3\n")
	}))
	if code := stop(); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	if strings.Contains(out.String(), "ch-1") || strings.Contains(out.String(), "ch-2") {
		t.Errorf("--watch-only printed existing objects:\n%s", out.String())
	}
}

// TestApplyExamplesThenGetWide applies the shipped examples and checks that
// the wide charger table shows all three chargers with their connections.
func TestApplyExamplesThenGetWide(t *testing.T) {
	e := newTestEnv(t)
	out := e.mustRun("apply", "-f", "../../examples/")
	if n := strings.Count(out, " created\n"); n < 3 {
		t.Fatalf("apply of examples created %d objects:\n%s", n, out)
	}
	out = e.mustRun("get", "chargers", "-o", "wide")
	for _, re := range []string{
		`NAME\s+TEMPLATE\s+CONNECTION\s+DEVICE\s+EV\s+OCPP\s+REASON\s+AGE\s+STATION-ID\s+CSMS\s+POLL\s+EVSES\s+CONNECTORS\s+CHARGING\s+POWER\s+ENERGY\s+LIMIT\s+SOURCE\s+NEXT`,
		`wb-garage-1\s+abb-terra-ac\s+tcp 127.0.0.1:15020/1\s+(\S+\s+){5}DEMO-GARAGE-1\s+main-csms\s+1s\s+1\s+.*`,
		`wb-garage-2\s+abb-terra-ac\s+tcp 127.0.0.1:15021/1\s+.*\s+main-csms\s+.*`,
		`wb-yard-1\s+abb-terra-ac\s+rtu rs485-0/3\s+.*\s+main-csms\s+2s\s+.*`,
	} {
		if !hasLine(out, re) {
			t.Errorf("get chargers -o wide lacks a line matching %q:\n%s", re, out)
		}
	}
	if n := strings.Count(out, "\n"); n != 4 {
		t.Errorf("want a header and 3 rows, got %d lines:\n%s", n, out)
	}
}
