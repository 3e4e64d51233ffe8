package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestDescribe(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)
	obj, err := e.store.Get("Charger", "ch-1")
	if err != nil {
		t.Fatal(err)
	}
	obj.Status = json.RawMessage(`{"observedGeneration":1,"ocpp":{"state":"Registered"},` +
		`"conditions":[{"type":"Ready","status":"True","reason":"Polling","message":"all polls answered","lastTransitionTime":"2025-01-01T00:00:00Z"}]}`)
	if _, err := e.store.UpdateStatus(obj); err != nil {
		t.Fatal(err)
	}

	out := e.mustRun("describe", "charger", "ch-1")
	for _, re := range []string{
		`Name:\s+ch-1`, `Kind:\s+Charger`, `Labels:\s+site=lab`, `Annotations:\s+<none>`,
		`Generation:\s+1`, `Resource Version:\s+\d+`, `Created:\s+\S+ \(\S+ ago\)`,
		`Spec:`, `\s+host: 10.0.0.5`, `Status:`, `\s+state: Registered`,
		`Conditions:`, `\s+TYPE\s+STATUS\s+REASON\s+AGE\s+MESSAGE`, `\s+Ready\s+True\s+Polling\s+\S+\s+all polls answered`,
	} {
		if !hasLine(out, re) {
			t.Errorf("describe lacks a line matching %q:\n%s", re, out)
		}
	}
	if strings.Contains(out, "last-applied") {
		t.Errorf("describe shows the last-applied annotation:\n%s", out)
	}
	if strings.Count(out, "conditions") != 0 {
		t.Errorf("conditions belong in the table, not the status YAML:\n%s", out)
	}

	out = e.mustRun("describe", "templates", "-l", "site=lab")
	if strings.Count(out, "Name:") != 2 {
		t.Errorf("describe of a kind should describe both templates:\n%s", out)
	}
	r := e.run("describe", "ch", "nope")
	if r.code != 1 || !strings.Contains(r.err, "not found") {
		t.Errorf("describe missing: exit %d, stderr %q", r.code, r.err)
	}
}
