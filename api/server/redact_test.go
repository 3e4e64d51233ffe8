package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

func authSecret(user, pw string) string {
	return "apiVersion: ocppgw.dev/v1alpha1\nkind: Secret\nmetadata: {name: auth}\n" +
		"spec:\n  type: basic-auth\n  data: {username: " + user + ", password: " + pw + "}\n"
}

func dataOf(t *testing.T, o *v1alpha1.Object) map[string]string {
	t.Helper()
	if o == nil {
		return nil
	}
	var spec v1alpha1.SecretSpec
	if err := json.Unmarshal(o.Spec, &spec); err != nil {
		t.Fatalf("spec of %s: %v", o.Key(), err)
	}
	return spec.Data
}

// noPlaintext fails if any of the values appears in what the API returned.
func noPlaintext(t *testing.T, what string, v any, values ...string) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range values {
		if strings.Contains(string(b), s) {
			t.Errorf("%s returns the value %q: %s", what, s, b)
		}
	}
}

func TestSecretValuesRedactedInEveryAnswer(t *testing.T) {
	const user, pw = "cp-user-81f", "pw-plain-81f"
	e := newEnv(t, store.Options{}, Options{})
	w, err := e.c.Watch(ctx(t), "Secret", client.WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	next(t, w) // the initial-events bookmark of an empty store

	res, err := e.c.Apply(ctx(t), []byte(authSecret(user, pw)), client.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	noPlaintext(t, "apply", res, user, pw)
	got, err := e.c.Get(ctx(t), "Secret", "auth")
	if err != nil {
		t.Fatal(err)
	}
	if d := dataOf(t, got); len(d) != 2 || d["username"] != RedactedValue || d["password"] != RedactedValue {
		t.Errorf("GET data = %v, want both keys redacted", d)
	}
	var record v1alpha1.Object
	if err := json.Unmarshal([]byte(got.Metadata.Annotations[LastAppliedAnnotation]), &record); err != nil {
		t.Fatalf("last-applied record: %v", err)
	}
	if d := dataOf(t, &record); d["password"] != RedactedValue {
		t.Errorf("last-applied record not redacted: %v", d)
	}
	noPlaintext(t, "GET", got, user, pw)
	list, err := e.c.List(ctx(t), "Secret", "")
	if err != nil {
		t.Fatal(err)
	}
	noPlaintext(t, "LIST", list, user, pw)
	ev := next(t, w)
	if d := dataOf(t, ev.Object); ev.Type != v1alpha1.Added || d["password"] != RedactedValue {
		t.Errorf("watch event %s data = %v", ev.Type, d)
	}
	noPlaintext(t, "WATCH", ev, user, pw)
	del, err := e.c.Delete(ctx(t), "Secret", "auth")
	if err != nil {
		t.Fatal(err)
	}
	noPlaintext(t, "DELETE", del, user, pw)
}

func TestInternalReadsGetPlaintext(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.create(authSecret("cp", "pw-inside"))
	o, err := e.st.Get("Secret", "auth")
	if err != nil || dataOf(t, o)["password"] != "pw-inside" {
		t.Fatalf("store read: %v %v", dataOf(t, o), err)
	}
}

func TestApplyResultMarksChangedSecretValues(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	if _, err := e.c.Apply(ctx(t), []byte(authSecret("cp", "old-pw-1")), client.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	res, err := e.c.Apply(ctx(t), []byte(authSecret("cp", "old-pw-1")), client.ApplyOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	it := res.Items[0]
	if it.Action != v1alpha1.ActionUnchanged || string(it.Old.Spec) != string(it.Object.Spec) {
		t.Errorf("same values: %s, old %s, new %s", it.Action, it.Old.Spec, it.Object.Spec)
	}

	changed := strings.Replace(authSecret("cp", "new-pw-2"), "password:", "extra: x, password:", 1)
	res, err = e.c.Apply(ctx(t), []byte(changed), client.ApplyOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	it = res.Items[0]
	old, now := dataOf(t, it.Old), dataOf(t, it.Object)
	if it.Action != v1alpha1.ActionConfigured || old["password"] != RedactedValue || now["password"] != RedactedChangedValue {
		t.Errorf("changed password: %s, old %v, new %v", it.Action, old, now)
	}
	if now["username"] != RedactedValue || now["extra"] != RedactedValue {
		t.Errorf("unchanged and added keys must carry the plain marker: %v", now)
	}
	noPlaintext(t, "dry-run apply", res, "old-pw-1", "new-pw-2")
	if o, _ := e.st.Get("Secret", "auth"); dataOf(t, o)["password"] != "old-pw-1" {
		t.Errorf("dry run changed the store: %s", o.Spec)
	}
}

func TestRedactionMarkerIsNotAValue(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	_, err := e.c.Apply(ctx(t), join(busYAML, authSecret("cp", `"`+RedactedValue+`"`)), client.ApplyOptions{})
	if st := statusOf(t, err); st.Code != 422 || !hasCause(st, 2, "spec.data.password", "redaction marker") {
		t.Fatalf("apply of a marker: %+v", st)
	}
	_, err = e.c.Create(ctx(t), obj(t, authSecret(`"`+RedactedChangedValue+`"`, "pw")))
	if st := statusOf(t, err); st.Code != 422 || !strings.Contains(st.Message, "spec.data.username") {
		t.Fatalf("create with a marker: %+v", st)
	}
	if e.st.Revision() != e.rev0 {
		t.Errorf("a refused write was stored: revision %d", e.st.Revision())
	}
}
