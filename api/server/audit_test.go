package server

import (
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/audit"
	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// TestAuditRecordsWritesAndRefusals: a create, an apply and a delete are
// recorded with the token's name, the answer and the revisions they made;
// a 401 and a 403 are recorded too; reads are not. Only an admin reads the
// log back.
func TestAuditRecordsWritesAndRefusals(t *testing.T) {
	log, err := audit.Open(filepath.Join(t.TempDir(), "audit.log"), 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, store.Options{}, Options{Audit: log})
	ops := e.client(e.token("installer", v1alpha1.RoleOperator, time.Time{}))
	viewer := e.token("grafana", v1alpha1.RoleViewer, time.Time{})
	bus := "apiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: %s}\nspec: {device: /dev/ttyUSB0}\n"
	created, err := ops.Create(ctx(t), obj(t, fmt.Sprintf(bus, "rs485-a")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ops.Apply(ctx(t), []byte(fmt.Sprintf(bus, "rs485-b")), client.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := ops.Get(ctx(t), "Bus", "rs485-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := ops.Delete(ctx(t), "Bus", "rs485-a"); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := e.rawAs(viewer, "DELETE", prefix+"/buses/rs485-b", "", ""); code != http.StatusForbidden {
		t.Fatalf("viewer delete: %d", code)
	}
	if code, _, _ := e.rawAs("gwt_wrong", "POST", prefix+"/apply", "application/yaml", fmt.Sprintf(bus, "x")); code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", code)
	}
	if code, _, _ := e.rawAs(viewer, "GET", "/debug/audit", "", ""); code != http.StatusForbidden {
		t.Errorf("a viewer read the audit log: %d", code)
	}

	recs, err := e.c.Audit(ctx(t), 100, "")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range recs {
		line := fmt.Sprintf("%s %s %s %s %d", r.User, r.Verb, r.Resource, r.Name, r.Code)
		for _, o := range r.Objects {
			line += fmt.Sprintf(" [%s %s/%s@%s]", o.Action, o.Kind, o.Name, o.Revision)
		}
		lines = append(lines, line)
	}
	want := []string{
		fmt.Sprintf("installer create Bus  201 [created Bus/rs485-a@%s]", created.Metadata.ResourceVersion),
		"installer apply apply  200 [created Bus/rs485-b@",
		"installer delete Bus rs485-a 200 [deleted Bus/rs485-a@",
		"grafana delete Bus rs485-b 403",
		" apply apply  401",
		"grafana get audit  403",
	}
	if len(lines) != len(want) {
		t.Fatalf("audit records:\n%s\nwant %d of them", strings.Join(lines, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(lines[i], want[i]) {
			t.Errorf("record %d: %q, want %q…", i, lines[i], want[i])
		}
	}
	if only, err := e.c.Audit(ctx(t), 100, "grafana"); err != nil || len(only) != 2 {
		t.Errorf("grafana's records: %d %v", len(only), err)
	}
}

// TestSecretReferenceNeedsSecretRights: naming a Secret is refused to a
// role that may not write Secrets, whatever kind names it; the answer names
// the Secret and the field. Only a CSMS names Secrets today, which only an
// admin may write, so the rule is checked on the authorizer itself.
func TestSecretReferenceNeedsSecretRights(t *testing.T) {
	csms := obj(t, "apiVersion: ocppgw.dev/v1alpha1\nkind: CSMS\nmetadata: {name: evil}\nspec: {url: 'ws://attacker.example/ocpp', basicAuthPasswordSecretRef: {name: csms-password}}\n")
	req, _ := http.NewRequest(http.MethodPost, "/", nil)
	asOperator := req.WithContext(auth.WithIdentity(req.Context(), auth.Identity{Name: "installer", Role: v1alpha1.RoleOperator}))
	var ae *apiError
	if err := authorizeSecretRefs(asOperator, csms); !errors.As(err, &ae) {
		t.Fatalf("an operator naming a Secret: %v", err)
	}
	if st := ae.status; st.Code != http.StatusForbidden || !strings.Contains(st.Message, `Secret "csms-password"`) || !strings.Contains(st.Message, "basicAuthPasswordSecretRef") {
		t.Fatalf("an operator naming a Secret: %+v", ae.status)
	}
	asAdmin := req.WithContext(auth.WithIdentity(req.Context(), auth.Identity{Name: "root", Role: v1alpha1.RoleAdmin}))
	if err := authorizeSecretRefs(asAdmin, csms); err != nil {
		t.Errorf("an admin naming a Secret: %v", err)
	}
	noRefs := obj(t, "apiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: b}\nspec: {device: /dev/ttyUSB0}\n")
	if err := authorizeSecretRefs(asOperator, noRefs); err != nil {
		t.Errorf("an operator's Bus: %v", err)
	}
}
