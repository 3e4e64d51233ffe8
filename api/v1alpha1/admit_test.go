package v1alpha1

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func newObj(kind, name, spec string) *Object {
	return &Object{APIVersion: APIVersion, Kind: kind, Metadata: ObjectMeta{Name: name}, Spec: json.RawMessage(spec)}
}

// want is one expected FieldError: the exact field and a fragment of the reason.
type want struct{ field, reason string }

func admitErrors(t *testing.T, o *Object) []FieldError {
	t.Helper()
	err := Admit(o)
	if err == nil {
		return nil
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Admit returned %T, want *ValidationError: %v", err, err)
	}
	if ve.Kind != o.Kind || ve.Name != o.Metadata.Name {
		t.Errorf("ValidationError names %s/%s, want %s", ve.Kind, ve.Name, o.Key())
	}
	return ve.Errors
}

func checkErrors(t *testing.T, got []FieldError, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d errors, want %d:\n%s", len(got), len(wants), fmtErrs(got))
	}
	for _, w := range wants {
		found := false
		for _, g := range got {
			if g.Field == w.field && strings.Contains(g.Reason, w.reason) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing error %s: ...%s...; got:\n%s", w.field, w.reason, fmtErrs(got))
		}
	}
}

func fmtErrs(errs []FieldError) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("  " + e.String() + "\n")
	}
	return b.String()
}

func TestAdmitEnvelope(t *testing.T) {
	cases := []struct {
		name string
		obj  *Object
		want []want
	}{
		{"wrong apiVersion", &Object{APIVersion: "v1", Kind: "Secret", Metadata: ObjectMeta{Name: "s"}},
			[]want{{"apiVersion", `must be "ocppgw.dev/v1alpha1", got "v1"`}}},
		{"missing apiVersion", &Object{Kind: "Secret", Metadata: ObjectMeta{Name: "s"}},
			[]want{{"apiVersion", `required field "apiVersion" is missing`}}},
		{"unknown kind", newObj("Foo", "x", `{}`),
			[]want{{"kind", `unknown kind "Foo"; known kinds: CSMS, Bus, Secret, Template, Charger, ChargingProfile, Transaction, Token`}}},
		{"kind near miss", newObj("charger", "x", `{}`),
			[]want{{"kind", `did you mean "Charger"?`}}},
		{"missing kind", newObj("", "x", `{}`),
			[]want{{"kind", `required field "kind" is missing`}}},
		{"uppercase name", newObj("Secret", "Bad_Name", `{}`),
			[]want{{"metadata.name", "is not a DNS-1123 label"}}},
		{"empty name", newObj("Secret", "", `{}`),
			[]want{{"metadata.name", "must not be empty"}}},
		{"long name", newObj("Secret", strings.Repeat("a", 64), `{}`),
			[]want{{"metadata.name", "at most 63 characters, got 64"}}},
		{"leading dash", newObj("Secret", "-a", `{}`),
			[]want{{"metadata.name", "DNS-1123"}}},
		{"bad labels", &Object{APIVersion: APIVersion, Kind: "Secret", Metadata: ObjectMeta{Name: "s",
			Labels: map[string]string{"ok.example/x": "fine", "bad key": "v", "site": "no spaces"}}},
			[]want{{`metadata.labels["bad key"]`, "name part must be"}, {"metadata.labels.site", `value "no spaces"`}}},
		{"bad annotation key", &Object{APIVersion: APIVersion, Kind: "Secret", Metadata: ObjectMeta{Name: "s",
			Annotations: map[string]string{"UPPER.example/x": "any value at all"}}},
			[]want{{`metadata.annotations["UPPER.example/x"]`, "prefix must be a DNS subdomain"}}},
		{"spec not an object", newObj("Secret", "s", `[1]`),
			[]want{{"spec", "must be object, got array"}}},
		{"spec invalid JSON", newObj("Secret", "s", `{`),
			[]want{{"spec", "invalid JSON"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkErrors(t, admitErrors(t, c.obj), c.want)
		})
	}
}

func TestAdmitUnchangedOnError(t *testing.T) {
	o := newObj("Bus", "b", `{"device":"dev/tty"}`)
	before := string(o.Spec)
	if Admit(o) == nil {
		t.Fatal("want error")
	}
	if string(o.Spec) != before {
		t.Errorf("spec changed on error: %s", o.Spec)
	}
}

func TestAdmitStructural(t *testing.T) {
	o := newObj("Charger", "c", `{"templateRef":"t","connection":{"modbusTCP":{"host":"h","port":"502","hots":1}},
		"evses":[{"id":1,"connectors":[{"id":1,"kind":"x"}]}],"TemplateRef":"t","pollInterval":5}`)
	checkErrors(t, admitErrors(t, o), []want{
		{"spec.connection.modbusTCP.port", "must be integer, got string"},
		{"spec.connection.modbusTCP.hots", `unknown field "hots"`},
		{"spec.evses[0].connectors[0].kind", `unknown field "kind"`},
		{"spec.TemplateRef", `unknown field "TemplateRef"`},
		{"spec.pollInterval", "must be string, got integer"},
	})
}

func TestAdmitIntegerChecks(t *testing.T) {
	o := newObj("Bus", "b", `{"device":"/dev/ttyS0","baudRate":9600.5,"stopBits":99999999999999999999}`)
	checkErrors(t, admitErrors(t, o), []want{
		{"spec.baudRate", "must be integer, got 9600.5"},
		{"spec.stopBits", "must be integer"},
	})
}

func TestAdmitWritesCanonicalDefaultedSpec(t *testing.T) {
	o := newObj("Bus", "b", `{ "device" : "/dev/ttyUSB0", "baudRate": 19200 }`)
	if err := Admit(o); err != nil {
		t.Fatal(err)
	}
	want := `{"baudRate":19200,"dataBits":8,"deadUnitAfter":3,"deadUnitBackoff":"0s","device":"/dev/ttyUSB0","parity":"even","retries":2,"stopBits":1,"timeout":"500ms"}`
	if string(o.Spec) != want {
		t.Errorf("spec =\n%s\nwant\n%s", o.Spec, want)
	}
	// Admitting an admitted object is a fixed point.
	again := o.DeepCopy()
	if err := Admit(again); err != nil || string(again.Spec) != want {
		t.Errorf("second Admit: %v, %s", err, again.Spec)
	}
}

func TestAdmitEmptySpec(t *testing.T) {
	for _, spec := range []string{"", "null", " "} {
		o := newObj("Secret", "s", spec)
		if err := Admit(o); err != nil {
			t.Fatalf("spec %q: %v", spec, err)
		}
		if string(o.Spec) != `{"type":"Opaque"}` {
			t.Errorf("spec %q → %s", spec, o.Spec)
		}
	}
	o := newObj("Charger", "c", "")
	checkErrors(t, admitErrors(t, o), []want{
		{"spec.templateRef", `required field "templateRef" is missing`},
		{"spec.connection", "must set exactly one of echonet, modbusRTU, modbusTCP"},
	})
}

func TestMergeFieldErrors(t *testing.T) {
	base := []FieldError{{Field: "spec.a", Reason: "x"}, {Field: "spec.b[0]", Reason: "y"}}
	got := MergeFieldErrors(base,
		FieldError{Field: "spec.a", Reason: "other"},    // same field: covered
		FieldError{Field: "spec.a.c", Reason: "child"},  // child: covered
		FieldError{Field: "spec.ab", Reason: "sibling"}, // prefix but not a child
		FieldError{Field: "spec.b[0].id", Reason: "el"}, // child of element: covered
		FieldError{Field: "spec.b[1]", Reason: "other"}, // other element
		FieldError{Field: "spec.b[1]", Reason: "other"}, // exact duplicate
		FieldError{Field: "", Reason: "document-level"},
	)
	checkErrors(t, got, []want{{"spec.a", "x"}, {"spec.b[0]", "y"}, {"spec.ab", "sibling"}, {"spec.b[1]", "other"}, {"", "document-level"}})
}

func TestFieldPath(t *testing.T) {
	p := FieldPath("spec").Key("evses").Index(1).Key("id")
	if p != "spec.evses[1].id" {
		t.Errorf("got %s", p)
	}
	if q := FieldPath("metadata").Key("labels").Key("app.kubernetes.io/name"); q != `metadata.labels["app.kubernetes.io/name"]` {
		t.Errorf("got %s", q)
	}
	if q := FieldPath("").Key("kind"); q != "kind" {
		t.Errorf("got %s", q)
	}
}
