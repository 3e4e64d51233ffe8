package main

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/store"
)

func TestDelete(t *testing.T) {
	e := newTestEnv(t)
	e.mustRun("apply", "-f", siteDir)

	if out := e.mustRun("delete", "charger", "ch-1"); out != "charger/ch-1 deleted\n" {
		t.Errorf("delete printed %q", out)
	}
	if _, err := e.store.Get("Charger", "ch-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ch-1 still stored: err = %v", err)
	}

	r := e.run("delete", "ch", "ch-1")
	if r.code != 1 || !strings.HasPrefix(r.err, "error: ") || !strings.Contains(r.err, "not found") {
		t.Errorf("delete of a missing object: exit %d, stderr %q", r.code, r.err)
	}
	r = e.run("delete", "ch", "ch-1", "--ignore-not-found")
	if r.code != 0 || r.out != "" || r.err != "" {
		t.Errorf("--ignore-not-found: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}

	out := e.mustRun("delete", "-f", filepath.Join(siteDir, "30-chargers.yaml"), "--ignore-not-found")
	if out != "charger/ch-2 deleted\n" {
		t.Errorf("delete -f printed %q", out)
	}
	out = e.mustRun("delete", "templates", "-l", "site=lab")
	if out != "template/wallbox deleted\ntemplate/wallbox-pro deleted\n" {
		t.Errorf("delete -l printed %q", out)
	}
	if out := e.mustRun("delete", "csms/main"); out != "csms/main deleted\n" {
		t.Errorf("delete KIND/NAME printed %q", out)
	}
	if e.store.Revision() == e.rev0 {
		t.Fatal("store saw no writes")
	}
	for _, k := range []string{"Charger", "Template", "CSMS"} {
		if objs, _ := e.store.List(k); len(objs) != 0 {
			t.Errorf("%d %s objects left", len(objs), k)
		}
	}

	r = e.run("delete", "charger")
	if r.code != 1 || !strings.Contains(r.err, "no name given") {
		t.Errorf("delete without names: exit %d, stderr %q", r.code, r.err)
	}
}
