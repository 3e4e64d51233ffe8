package manifest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

const secretDoc = `apiVersion: ocppgw.dev/v1alpha1
kind: Secret
metadata:
  name: %s
spec:
  data:
    password: pw
`

const chargerDoc = `apiVersion: ocppgw.dev/v1alpha1
kind: Charger
metadata:
  name: wb-1
  labels:
    site: demo
spec:
  templateRef: abb-terra-ac
  connection:
    modbusTCP:
      host: 10.0.0.5
  ocpp:
    csmsRef: main-csms
`

// wantErr is the expected single-document failure.
type wantErr struct {
	document int
	kind     string
	name     string
	field    string
	reason   string // fragment
}

func decodeErrors(t *testing.T, source string, data string) []*v1alpha1.ValidationError {
	t.Helper()
	docs, err := Decode(source, []byte(data))
	if err == nil {
		t.Fatalf("Decode succeeded with %d docs, want an error", len(docs))
	}
	if docs != nil {
		t.Errorf("Decode returned %d docs along with an error; want none", len(docs))
	}
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error is %T, want *manifest.Errors: %v", err, err)
	}
	return errs.Items
}

func assertOne(t *testing.T, items []*v1alpha1.ValidationError, source string, w wantErr) {
	t.Helper()
	if len(items) != 1 {
		t.Fatalf("got %d invalid documents, want 1:\n%v", len(items), (&Errors{items}).Error())
	}
	ve := items[0]
	if ve.Source != source || ve.Document != w.document || ve.Kind != w.kind || ve.Name != w.name {
		t.Errorf("where = %q doc %d %s/%s, want %q doc %d %s/%s", ve.Source, ve.Document, ve.Kind, ve.Name, source, w.document, w.kind, w.name)
	}
	for _, fe := range ve.Errors {
		if fe.Field == w.field && strings.Contains(fe.Reason, w.reason) {
			return
		}
	}
	t.Errorf("no error %q: ...%s...; got %v", w.field, w.reason, ve.Errors)
}

func TestDecodeBadInput(t *testing.T) {
	cases := []struct {
		name string
		data string
		want wantErr
	}{
		{"broken YAML", fmt.Sprintf(secretDoc, "a") + "---\n" + "apiVersion: ocppgw.dev/v1alpha1\nkind: Secret\nmetadata:\n  name: b\n spec: {}\n",
			wantErr{2, "", "", "", "invalid YAML: line 13: did not find expected key"}},
		{"tab indentation", "# leading comment\n\napiVersion: ocppgw.dev/v1alpha1\nkind: Secret\n\tmetadata: {}\n",
			wantErr{1, "", "", "", "invalid YAML: line 5: found a tab character"}},
		{"bad YAML on the document's first line", "---\n---\nkind: [\n",
			wantErr{2, "", "", "", "invalid YAML: line 4:"}},
		{"duplicate YAML key", fmt.Sprintf(secretDoc, "a") + "---\n" + fmt.Sprintf(secretDoc, "b") + "kind: Bus\n",
			wantErr{2, "", "", "", `invalid YAML: line 16: key "kind" already set in map`}},
		{"unknown kind", strings.Replace(fmt.Sprintf(secretDoc, "a"), "kind: Secret", "kind: Sekret", 1),
			wantErr{1, "Sekret", "a", "kind", `unknown kind "Sekret"; known kinds: CSMS, Bus, Secret, Template, Charger, ChargingProfile, Transaction, Token`}},
		{"missing kind", "apiVersion: ocppgw.dev/v1alpha1\nmetadata:\n  name: a\n",
			wantErr{1, "", "a", "kind", `required field "kind" is missing`}},
		{"missing required field", strings.Replace(chargerDoc, "  templateRef: abb-terra-ac\n", "", 1),
			wantErr{1, "Charger", "wb-1", "spec.templateRef", `required field "templateRef" is missing`}},
		{"wrong type", strings.Replace(chargerDoc, "host: 10.0.0.5", "host: 10.0.0.5\n      port: five", 1),
			wantErr{1, "Charger", "wb-1", "spec.connection.modbusTCP.port", "must be integer, got string"}},
		{"unknown field", strings.Replace(chargerDoc, "host: 10.0.0.5", "hots: 10.0.0.5", 1),
			wantErr{1, "Charger", "wb-1", "spec.connection.modbusTCP.hots", `unknown field "hots" (did you mean "host"?)`}},
		{"name not DNS-1123", strings.Replace(chargerDoc, "name: wb-1", "name: WB_1", 1),
			wantErr{1, "Charger", "WB_1", "metadata.name", "DNS-1123 label"}},
		{"semantic check after schema", strings.Replace(chargerDoc, "host: 10.0.0.5", "host: 10.0.0.5:1502", 1),
			wantErr{1, "Charger", "wb-1", "spec.connection.modbusTCP.host", "put 1502 in spec.connection.modbusTCP.port"}},
		{"not a mapping", "- a\n- b\n", wantErr{1, "", "", "", "document must be a mapping"}},
		{"scalar", "hello\n", wantErr{1, "", "", "", "got a string"}},
		{"content after ---", "--- kind: Secret\n", wantErr{1, "", "", "", "invalid YAML: line 1: put the document on the line after '---'"}},
		{"content after ...", fmt.Sprintf(secretDoc, "a") + "...\n" + fmt.Sprintf(secretDoc, "b"),
			wantErr{1, "", "", "", "line 8: content after the document end marker"}},
		{"duplicate object", fmt.Sprintf(secretDoc, "a") + "---\n" + fmt.Sprintf(secretDoc, "a"),
			wantErr{2, "Secret", "a", "metadata.name", "Secret/a is defined twice; first in site.yaml document 1"}},
		{"JSON syntax error in second value", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"a"}}` + "\n\n" + `{"kind": ,}`,
			wantErr{2, "", "", "", "invalid JSON: line 3: invalid character ','"}},
		{"JSON duplicate key", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"a","name":"b"}}`,
			wantErr{1, "", "", "", `duplicate key "name" in metadata`}},
		{"JSON wrong type", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Bus","metadata":{"name":"b"},"spec":{"device":"/dev/x","stopBits":"1"}}`,
			wantErr{1, "Bus", "b", "spec.stopBits", "must be integer, got string"}},
		{"kind not a string", "apiVersion: ocppgw.dev/v1alpha1\nkind: 7\nmetadata: {name: a}\n",
			wantErr{1, "", "a", "kind", "must be string, got a number"}},
		{"CEL that does not compile", "apiVersion: ocppgw.dev/v1alpha1\nkind: Template\nmetadata: {name: t}\nspec:\n  protocol: modbus\n" +
			"  read: {modbus: {blocks: [{name: s, address: 0, count: 4}]}}\n  signals:\n    powerW: 'double(regz[\"s\"][0])'\n",
			wantErr{1, "Template", "t", "spec.signals.powerW", `line 1, column 8: undeclared reference to 'regz'`}},
		{"CEL of the wrong type", "apiVersion: ocppgw.dev/v1alpha1\nkind: Template\nmetadata: {name: t}\nspec:\n  protocol: modbus\n" +
			"  read: {modbus: {blocks: [{name: s, address: 0, count: 4}]}}\n  signals:\n    charging: 'regs[\"s\"][0]'\n",
			wantErr{1, "Template", "t", "spec.signals.charging", "bool"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertOne(t, decodeErrors(t, "site.yaml", c.data), "site.yaml", c.want)
		})
	}
}

func TestDecodeFiveDocumentsThirdInvalid(t *testing.T) {
	var docs []string
	for i := 1; i <= 5; i++ {
		docs = append(docs, fmt.Sprintf(secretDoc, fmt.Sprintf("s%d", i)))
	}
	docs[2] = strings.Replace(docs[2], "  data:", "  type: ssh\n  data:", 1)
	items := decodeErrors(t, "five.yaml", strings.Join(docs, "---\n"))
	assertOne(t, items, "five.yaml", wantErr{3, "Secret", "s3", "spec.type", `must be one of "Opaque", "basic-auth", "tls", got "ssh"`})
	if got := items[0].Error(); !strings.HasPrefix(got, "five.yaml: document 3 (Secret/s3): spec.type: ") {
		t.Errorf("Error() = %q", got)
	}
}

func TestDecodeReportsEveryBadDocumentAndEveryProblem(t *testing.T) {
	data := fmt.Sprintf(secretDoc, "ok") + "---\n" +
		strings.NewReplacer("name: wb-1", "name: Bad", "templateRef: abb-terra-ac", "templateRef: 7", "csmsRef: main-csms", "csmsRef: main\n    extra: 1").Replace(chargerDoc) +
		"---\nkind: Nope\n"
	items := decodeErrors(t, "x.yaml", data)
	if len(items) != 2 || items[0].Document != 2 || items[1].Document != 3 {
		t.Fatalf("got %v", (&Errors{items}).Error())
	}
	fields := map[string]bool{}
	for _, fe := range items[0].Errors {
		fields[fe.Field] = true
	}
	for _, f := range []string{"metadata.name", "spec.templateRef", "spec.ocpp.extra"} {
		if !fields[f] {
			t.Errorf("missing error for %s in %v", f, items[0].Errors)
		}
	}
	// The schema and Admit both see the bad name; it is reported once.
	n := 0
	for _, fe := range items[0].Errors {
		if fe.Field == "metadata.name" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("metadata.name reported %d times: %v", n, items[0].Errors)
	}
	if !strings.Contains((&Errors{items}).Error(), "\n") {
		t.Error("Errors.Error should put each document on its own line")
	}
}

func TestDecodeValid(t *testing.T) {
	cases := []struct {
		name    string
		data    string
		indexes []int
	}{
		{"single YAML", chargerDoc, []int{1}},
		{"leading separator and empty documents", "---\n" + fmt.Sprintf(secretDoc, "a") + "---\n# nothing\n---\n" + fmt.Sprintf(secretDoc, "b") + "---\n", []int{1, 3}},
		{"comment before first separator", "# site\n---\n" + fmt.Sprintf(secretDoc, "a"), []int{1}},
		{"CRLF", strings.ReplaceAll(fmt.Sprintf(secretDoc, "a")+"---\n"+fmt.Sprintf(secretDoc, "b"), "\n", "\r\n"), []int{1, 2}},
		{"separator with comment", fmt.Sprintf(secretDoc, "a") + "--- # next\n" + fmt.Sprintf(secretDoc, "b"), []int{1, 2}},
		{"document end marker", fmt.Sprintf(secretDoc, "a") + "...\n---\n" + fmt.Sprintf(secretDoc, "b"), []int{1, 2}},
		{"JSON object", `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"a"}}`, []int{1}},
		{"JSON stream", "\ufeff" + `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"a"}}` + "\n" +
			`{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"b"}}`, []int{1, 2}},
		{"YAML flow mapping", `{apiVersion: ocppgw.dev/v1alpha1, kind: Secret, metadata: {name: a}}`, []int{1}},
		{"empty", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docs, err := Decode("in", []byte(c.data))
			if err != nil {
				t.Fatal(err)
			}
			if len(docs) != len(c.indexes) {
				t.Fatalf("got %d docs, want %d", len(docs), len(c.indexes))
			}
			for i, d := range docs {
				if d.Index != c.indexes[i] || d.Source != "in" || d.Object == nil {
					t.Errorf("doc %d = %+v", i, d)
				}
			}
		})
	}
}

func TestDecodeAdmitsAndDefaults(t *testing.T) {
	docs, err := Decode("c.yaml", []byte(chargerDoc))
	if err != nil {
		t.Fatal(err)
	}
	c, err := v1alpha1.DecodeCharger(docs[0].Object)
	if err != nil {
		t.Fatal(err)
	}
	if c.Spec.OCPP.StationID != "wb-1" || v1alpha1.ConnectionAs[v1alpha1.ModbusTCPConnection](c.Spec.Connection).Port != 502 || c.Spec.PollInterval != "5s" ||
		c.Metadata.Labels["site"] != "demo" || len(c.Spec.EVSEs) != 1 {
		t.Errorf("not defaulted: %+v", c.Spec)
	}
	if !strings.HasPrefix(string(docs[0].Object.Spec), `{"connection":{"modbusTCP":{"host":"10.0.0.5","port":502`) {
		t.Errorf("spec not canonical: %s", docs[0].Object.Spec)
	}
}

func TestAdmitSingleObject(t *testing.T) {
	o := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Bus", Metadata: v1alpha1.ObjectMeta{Name: "rs485-0"},
		Spec: []byte(`{"device":"/dev/ttyUSB0","baudRate":19200}`)}
	if err := Admit(o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(o.Spec), `"parity":"even"`) {
		t.Errorf("not defaulted: %s", o.Spec)
	}
	bad := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Bus", Metadata: v1alpha1.ObjectMeta{Name: "rs485-0"},
		Spec: []byte(`{"device":"/dev/ttyUSB0","baudRate":"x","wat":1}`)}
	err := Admit(bad)
	var ve *v1alpha1.ValidationError
	if !errors.As(err, &ve) || ve.Kind != "Bus" || ve.Name != "rs485-0" || len(ve.Errors) != 2 {
		t.Fatalf("err = %#v", err)
	}
	if ve.Errors[0].Field != "spec.baudRate" || ve.Errors[1].Field != "spec.wat" {
		t.Errorf("errors = %v", ve.Errors)
	}
	if string(bad.Spec) != `{"device":"/dev/ttyUSB0","baudRate":"x","wat":1}` {
		t.Errorf("spec modified on error: %s", bad.Spec)
	}
}
