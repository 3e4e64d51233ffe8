package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/testutil"
	"github.com/ocppgw/ocppgw/store"
)

func TestCRUDRoundTrip(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.createBase()
	ch := e.create(chargerYAML)
	if ch.Metadata.UID == "" || ch.Metadata.Generation != 1 || ch.Metadata.ResourceVersion == "" || ch.Metadata.CreationTimestamp == "" {
		t.Fatalf("server-set metadata missing: %+v", ch.Metadata)
	}
	// Admission defaulted the spec before it was stored.
	if !strings.Contains(string(ch.Spec), `"port":502`) || !strings.Contains(string(ch.Spec), `"stationId":"ch-1"`) {
		t.Errorf("spec not defaulted: %s", ch.Spec)
	}
	got, err := e.c.Get(ctx(t), "Charger", "ch-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Metadata.UID != ch.Metadata.UID || string(got.Spec) != string(ch.Spec) {
		t.Fatalf("get = %+v, want %+v", got, ch)
	}

	got.Spec = json.RawMessage(strings.Replace(string(got.Spec), "10.0.0.5", "10.0.0.6", 1))
	got.Metadata.Labels = map[string]string{"site": "b"}
	upd, err := e.c.Update(ctx(t), got)
	if err != nil {
		t.Fatal(err)
	}
	if upd.Metadata.Generation != 2 || !strings.Contains(string(upd.Spec), "10.0.0.6") || upd.Metadata.Labels["site"] != "b" {
		t.Fatalf("update = %+v", upd)
	}

	// A label-only change keeps the generation.
	upd.Metadata.Labels["extra"] = "x"
	upd2, err := e.c.Update(ctx(t), upd)
	if err != nil {
		t.Fatal(err)
	}
	if upd2.Metadata.Generation != 2 || upd2.Metadata.ResourceVersion == upd.Metadata.ResourceVersion {
		t.Fatalf("label update: generation %d rv %s (was %s)", upd2.Metadata.Generation, upd2.Metadata.ResourceVersion, upd.Metadata.ResourceVersion)
	}

	l, err := e.c.List(ctx(t), "chargers", "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Kind != "ChargerList" || len(l.Items) != 1 || l.Metadata.ResourceVersion != upd2.Metadata.ResourceVersion {
		t.Fatalf("list = %+v", l)
	}

	del, err := e.c.Delete(ctx(t), "Charger", "ch-1")
	if err != nil {
		t.Fatal(err)
	}
	if del.Metadata.UID != ch.Metadata.UID {
		t.Fatalf("delete returned %+v", del.Metadata)
	}
	if _, err := e.c.Get(ctx(t), "Charger", "ch-1"); !client.IsNotFound(err) {
		t.Fatalf("get after delete: %v", err)
	}
	l, _ = e.c.List(ctx(t), "Charger", "")
	if len(l.Items) != 0 {
		t.Fatalf("list after delete = %d items", len(l.Items))
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	_, err := e.c.Get(ctx(t), "Charger", "ch-1")
	st := statusOf(t, err)
	if st.Code != 404 || st.Reason != v1alpha1.ReasonNotFound || st.Message != `Charger "ch-1" not found` {
		t.Fatalf("status = %+v", st)
	}
	if st.Details == nil || st.Details.Kind != "Charger" || st.Details.Name != "ch-1" {
		t.Errorf("details = %+v", st.Details)
	}
	if _, err := e.c.Delete(ctx(t), "Charger", "ch-1"); !client.IsNotFound(err) {
		t.Errorf("delete missing: %v", err)
	}
	code, st, _ := e.raw("GET", prefix+"/foos", "", "")
	if code != 404 || st.Message != `unknown resource type "foos"` {
		t.Errorf("unknown plural: %d %+v", code, st)
	}
	// Only the plural names a collection in a URL.
	if code, _, _ := e.raw("GET", prefix+"/charger", "", ""); code != 404 {
		t.Errorf("singular in URL: %d", code)
	}
	if code, st, _ := e.raw("GET", "/nothing/here", "", ""); code != 404 || st.Kind != "Status" {
		t.Errorf("unknown path: %d %+v", code, st)
	}
	if code, st, _ := e.raw("PATCH", prefix+"/chargers/x", "", ""); code != 405 || st.Kind != "Status" {
		t.Errorf("PATCH: %d %+v", code, st)
	}
}

func TestCreateExists(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.create(secretYAML)
	_, err := e.c.Create(ctx(t), obj(t, secretYAML))
	st := statusOf(t, err)
	if !client.IsAlreadyExists(err) || st.Code != 409 || st.Message != `Secret "pw" already exists` {
		t.Fatalf("status = %+v", st)
	}
}

func TestStaleResourceVersion(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	old := e.create(busYAML)
	cur := old.DeepCopy()
	cur.Spec = json.RawMessage(`{"device":"/dev/ttyUSB1"}`)
	cur, err := e.c.Update(ctx(t), cur)
	if err != nil {
		t.Fatal(err)
	}
	old.Spec = json.RawMessage(`{"device":"/dev/ttyUSB2"}`)
	_, err = e.c.Update(ctx(t), old)
	st := statusOf(t, err)
	want := `Bus "rs485-0": resourceVersion ` + old.Metadata.ResourceVersion + ` is stale (current ` + cur.Metadata.ResourceVersion + `)`
	if !client.IsConflict(err) || st.Code != 409 || st.Message != want {
		t.Fatalf("status = %+v, want message %q", st, want)
	}
	// An update without resourceVersion is unconditional.
	old.Metadata.ResourceVersion = ""
	if _, err := e.c.Update(ctx(t), old); err != nil {
		t.Fatalf("unconditional update: %v", err)
	}
	code, st, _ := e.raw("DELETE", prefix+"/buses/rs485-0?resourceVersion="+cur.Metadata.ResourceVersion, "", "")
	if code != 409 || st.Reason != v1alpha1.ReasonConflict {
		t.Fatalf("stale delete: %d %+v", code, st)
	}
	if code, _, _ := e.raw("DELETE", prefix+"/buses/rs485-0?resourceVersion=abc", "", ""); code != 400 {
		t.Fatalf("bad rv delete: %d", code)
	}
}

func TestCreateInvalid(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	tests := []struct {
		name, plural, body, field, text string
	}{
		{"missing required field", "buses", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus","metadata":{"name":"b"},"spec":{}}`, "spec.device", ""},
		{"wrong type", "buses", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus","metadata":{"name":"b"},"spec":{"device":"/dev/x","baudRate":"fast"}}`, "spec.baudRate", ""},
		{"unknown spec field", "buses", "apiVersion: ocppgw.dev/v1alpha1\nkind: Bus\nmetadata: {name: b}\nspec: {device: /dev/x, wat: 1}\n", "spec.wat", "wat"},
		{"unknown top-level field", "buses", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus","metadata":{"name":"b"},"spec":{"device":"/dev/x"},"extra":1}`, "extra", `unknown field "extra"`},
		{"unknown metadata field", "buses", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus","metadata":{"name":"b","namespace":"x"},"spec":{"device":"/dev/x"}}`, "metadata.namespace", `unknown field "namespace"`},
		{"metadata of the wrong type", "buses", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus","metadata":{"name":5},"spec":{"device":"/dev/x"}}`, "metadata.name", "must be string"},
		{"bad name", "buses", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus","metadata":{"name":"Bad_Name"},"spec":{"device":"/dev/x"}}`, "metadata.name", "DNS-1123"},
		{"unknown kind", "buses", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Buss","metadata":{"name":"b"},"spec":{"device":"/dev/x"}}`, "kind", `unknown kind "Buss"`},
		{"missing kind", "buses", `{"apiVersion":"ocppgw.dev/v1alpha1","metadata":{"name":"b"},"spec":{"device":"/dev/x"}}`, "kind", `"kind" is missing`},
		{"dangling reference", "chargers", chargerYAML, "spec.templateRef", `Template "tpl" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, st, raw := e.raw("POST", prefix+"/"+tt.plural, "", tt.body)
			if code != 422 || st.Reason != v1alpha1.ReasonInvalid {
				t.Fatalf("code %d, body %s", code, raw)
			}
			if !hasCause(st, 0, tt.field, tt.text) {
				t.Fatalf("no cause for %s containing %q: %s", tt.field, tt.text, raw)
			}
			if !strings.Contains(st.Message, tt.field) {
				t.Errorf("message %q does not name %s", st.Message, tt.field)
			}
		})
	}
	if rev := e.st.Revision(); rev != e.rev0 {
		t.Fatalf("invalid creates stored something: revision %d", rev)
	}
}

func TestBadRequests(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.create(busYAML)
	tests := []struct {
		name, method, path, body string
		code                     int
		text                     string
	}{
		{"kind differs from URL", "POST", "/csmses", busYAML, 400, `kind "Bus" does not match the URL's resource type "csmses"`},
		{"name differs from URL", "PUT", "/buses/other", busYAML, 400, `metadata.name "rs485-0" does not match the name in the URL "other"`},
		{"YAML syntax", "POST", "/buses", "kind: Bus\n  metadata: [", 400, "not valid JSON or YAML"},
		{"not an object", "POST", "/buses", "[1,2]", 400, "must be an object"},
		{"two documents", "POST", "/buses", busYAML + "---\n" + busYAML, 400, "holds 2 documents"},
		{"empty body", "POST", "/buses", "", 400, "holds 0 documents"},
		{"bad selector", "GET", "/buses?labelSelector=a+in+b", "", 400, `invalid label selector "a in b"`},
		{"bad watch flag", "GET", "/buses?watch=maybe", "", 400, `invalid watch="maybe"`},
		{"bad watch revision", "GET", "/buses?watch=true&resourceVersion=x", "", 400, `invalid resourceVersion "x"`},
		{"status not an object", "PUT", "/buses/rs485-0/status", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus","metadata":{"name":"rs485-0"},"status":[1]}`, 422, "status: must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, st, raw := e.raw(tt.method, prefix+tt.path, "", tt.body)
			if code != tt.code || !strings.Contains(st.Message, tt.text) {
				t.Fatalf("got %d %s, want %d containing %q", code, raw, tt.code, tt.text)
			}
		})
	}
}

func TestBodyTooLarge(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	big := `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus","metadata":{"name":"b"},"spec":{"device":"` + strings.Repeat("x", maxBodyBytes) + `"}}`
	code, st, _ := e.raw("POST", prefix+"/buses", "application/json", big)
	if code != http.StatusRequestEntityTooLarge || !strings.Contains(st.Message, "larger than 8388608 bytes") {
		t.Fatalf("got %d %+v", code, st)
	}
	code, _, _ = e.raw("POST", prefix+"/apply", "application/yaml", big)
	if code != http.StatusRequestEntityTooLarge {
		t.Fatalf("apply: got %d", code)
	}
}

func TestTemplateExtendsMayDangle(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	child := strings.Replace(templateYAML, "name: tpl}", "name: child}", 1) + "  extends: parent\n"
	if _, err := e.c.Create(ctx(t), obj(t, child)); err != nil {
		t.Fatalf("template extending a missing parent: %v", err)
	}
}

func TestStatusSubresource(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	b := e.create(busYAML)
	b.Status = json.RawMessage(`{"observedGeneration":1,"conditions":[{"type":"Ready","status":"True","reason":"Open","lastTransitionTime":"2025-01-01T00:00:00Z"}]}`)
	b.Spec = json.RawMessage(`{"device":"/dev/ignored"}`) // spec in a status write is ignored
	out, err := e.c.UpdateStatus(ctx(t), b)
	if err != nil {
		t.Fatal(err)
	}
	if out.Metadata.Generation != 1 || !strings.Contains(string(out.Status), `"Ready"`) || strings.Contains(string(out.Spec), "ignored") {
		t.Fatalf("status update = %+v / %s / %s", out.Metadata, out.Spec, out.Status)
	}
	// Stale resourceVersion on the status subresource is a conflict too.
	if _, err := e.c.UpdateStatus(ctx(t), b); !client.IsConflict(err) {
		t.Fatalf("stale status write: %v", err)
	}
	code, _, raw := e.raw("GET", prefix+"/buses/rs485-0/status", "", "")
	if code != 200 || !strings.Contains(string(raw), `"Ready"`) {
		t.Fatalf("GET status: %d %s", code, raw)
	}
	// A spec update keeps status and ignores status in its body.
	out.Spec = json.RawMessage(`{"device":"/dev/ttyUSB9"}`)
	out.Status = json.RawMessage(`{"observedGeneration":99}`)
	upd, err := e.c.Update(ctx(t), out)
	if err != nil {
		t.Fatal(err)
	}
	if upd.Metadata.Generation != 2 || !strings.Contains(string(upd.Status), `"Ready"`) || strings.Contains(string(upd.Status), "99") {
		t.Fatalf("update changed status: %+v %s", upd.Metadata, upd.Status)
	}
}

func TestListLabelSelector(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	for _, n := range []struct{ name, labels string }{{"a", "{tier: edge, site: x}"}, {"b", "{tier: core}"}, {"c", "{}"}} {
		e.create(strings.Replace(busYAML, "{name: rs485-0}", "{name: "+n.name+", labels: "+n.labels+"}", 1))
	}
	for sel, want := range map[string]string{
		"":                       "a,b,c",
		"tier=edge":              "a",
		"tier!=edge":             "b,c",
		"tier":                   "a,b",
		"!tier":                  "c",
		"tier in (edge,core)":    "a,b",
		"tier notin (edge),site": "",
	} {
		l, err := e.c.List(ctx(t), "Bus", sel)
		if err != nil {
			t.Fatalf("%q: %v", sel, err)
		}
		var names []string
		for _, o := range l.Items {
			names = append(names, o.Metadata.Name)
		}
		if got := strings.Join(names, ","); got != want {
			t.Errorf("List(%q) = %q, want %q", sel, got, want)
		}
	}
}

func TestDiscoveryVersionHealth(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{Version: "1.2.3", Commit: "abc"})
	v, err := e.c.Version(ctx(t))
	if err != nil || v.Version != "1.2.3" || v.Commit != "abc" || !strings.HasPrefix(v.GoVersion, "go") {
		t.Fatalf("version = %+v, %v", v, err)
	}
	code, _, raw := e.raw("GET", "/healthz", "", "")
	if code != 200 || string(raw) != "ok" {
		t.Fatalf("healthz = %d %q", code, raw)
	}
	code, _, raw = e.raw("GET", prefix, "", "")
	var d discovery
	if err := json.Unmarshal(raw, &d); code != 200 || err != nil || len(d.Kinds) != len(v1alpha1.Kinds()) {
		t.Fatalf("discovery = %d %s", code, raw)
	}
	if k := d.Kinds[4]; k.Kind != "Charger" || k.Plural != "chargers" || k.ShortNames[0] != "ch" {
		t.Errorf("discovery kind = %+v", k)
	}
}

func TestRequestsAreLoggedAtDebug(t *testing.T) {
	var buf testutil.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnv(t, store.Options{}, Options{Logger: log})
	_, _ = e.c.Get(ctx(t), "Bus", "nope")
	// The line is written once the handler returns, which may be after the
	// client has its answer.
	deadline := time.Now().Add(waitFor)
	for !strings.Contains(buf.String(), "code=404") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	out := buf.String()
	for _, want := range []string{"level=DEBUG", "msg=request", "method=GET", "path=/apis/ocppgw.dev/v1alpha1/buses/nope", "code=404"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestStatusForWithoutObject(t *testing.T) {
	err := fmt.Errorf("apply: %w", &store.Error{Sentinel: store.ErrNotFound, Detail: `Bus "x"`})
	if st := statusFor(err, "", ""); st.Code != 404 || st.Message != `Bus "x": not found` {
		t.Fatalf("status = %+v", st)
	}
	if st := statusFor(errors.New("disk on fire"), "Bus", "x"); st.Code != 500 || st.Reason != v1alpha1.ReasonInternalError {
		t.Fatalf("status = %+v", st)
	}
}
