package manifest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func names(docs []Doc) string {
	var out []string
	for _, d := range docs {
		out = append(out, fmt.Sprintf("%s#%d:%s", filepath.Base(d.Source), d.Index, d.Object.Metadata.Name))
	}
	return strings.Join(out, " ")
}

func TestReadFilesDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "b.yml"), fmt.Sprintf(secretDoc, "b"))
	writeFile(t, filepath.Join(dir, "a.yaml"), fmt.Sprintf(secretDoc, "a1")+"---\n"+fmt.Sprintf(secretDoc, "a2"))
	writeFile(t, filepath.Join(dir, "c.json"), `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"c"}}`)
	writeFile(t, filepath.Join(dir, "README.md"), "not a manifest")
	writeFile(t, filepath.Join(dir, ".hidden.yaml"), "broken: [")
	writeFile(t, filepath.Join(dir, "sub", "d.yaml"), fmt.Sprintf(secretDoc, "d"))
	writeFile(t, filepath.Join(dir, ".git", "e.yaml"), "broken: [")

	docs, err := ReadFiles([]string{dir}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(docs); got != "a.yaml#1:a1 a.yaml#2:a2 b.yml#1:b c.json#1:c" {
		t.Errorf("non-recursive: %s", got)
	}
	if docs[0].Source != filepath.Join(dir, "a.yaml") {
		t.Errorf("Source = %q", docs[0].Source)
	}
	docs, err = ReadFiles([]string{dir}, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(docs); got != "a.yaml#1:a1 a.yaml#2:a2 b.yml#1:b c.json#1:c d.yaml#1:d" {
		t.Errorf("recursive: %s", got)
	}
}

func TestReadFilesStdinAndFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "one.txt") // an explicit file is read whatever its extension
	writeFile(t, f, fmt.Sprintf(secretDoc, "f"))
	docs, err := ReadFiles([]string{"-", f}, false, strings.NewReader(fmt.Sprintf(secretDoc, "s")))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].Source != "<stdin>" || docs[0].Object.Metadata.Name != "s" || docs[1].Source != f {
		t.Errorf("docs = %+v", docs)
	}
	if _, err := ReadFiles([]string{"-"}, false, nil); err == nil {
		t.Error("want an error for - without stdin")
	}
}

func TestReadFilesErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := ReadFiles([]string{filepath.Join(dir, "missing.yaml")}, false, nil)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("missing file: %v", err)
	}

	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	writeFile(t, good, fmt.Sprintf(secretDoc, "x"))
	writeFile(t, bad, fmt.Sprintf(secretDoc, "yy")+"---\n"+fmt.Sprintf(secretDoc, "x")+"---\nkind: Secret\nmetadata:\n  name: [\n")
	docs, err := ReadFiles([]string{good, bad}, false, nil)
	if docs != nil {
		t.Errorf("got docs with an error: %s", names(docs))
	}
	var errs *Errors
	if !errors.As(err, &errs) || len(errs.Items) != 2 {
		t.Fatalf("err = %v", err)
	}
	dup, syntax := errs.Items[0], errs.Items[1]
	if dup.Source != bad || dup.Document != 2 || !strings.Contains(dup.Errors[0].Reason, "first in "+good+" document 1") {
		t.Errorf("duplicate across files: %+v", dup)
	}
	if syntax.Source != bad || syntax.Document != 3 || !strings.HasPrefix(syntax.Errors[0].Reason, "invalid YAML: line 20:") {
		t.Errorf("syntax: %+v", syntax)
	}
}

// TestExamplesDecode keeps the shipped examples valid.
func TestExamplesDecode(t *testing.T) {
	docs, err := ReadFiles([]string{"../../examples/"}, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	byKey := map[string]*v1alpha1.Object{}
	for _, d := range docs {
		count[d.Object.Kind]++
		byKey[d.Object.Key()] = d.Object
	}
	want := map[string]int{"CSMS": 1, "Bus": 1, "Charger": 3, "Template": 2, "Secret": 1}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d %s, want %d", count[k], k, n)
		}
	}
	if len(docs) != 8 {
		t.Errorf("%d documents, want 8", len(docs))
	}
	// Every reference resolves within the examples, and chargers carry the site label.
	for _, o := range byKey {
		for _, r := range v1alpha1.References(o) {
			if byKey[r.Kind+"/"+r.Name] == nil {
				t.Errorf("%s %s names missing %s/%s", o.Key(), r.Field, r.Kind, r.Name)
			}
		}
		if o.Kind == "Charger" && o.Metadata.Labels["site"] != "demo" {
			t.Errorf("%s lacks label site=demo", o.Key())
		}
	}
	tpl, err := v1alpha1.DecodeTemplate(byKey["Template/abb-terra-ac"])
	if err != nil || tpl.Spec.Extends != "modbus-base" {
		t.Errorf("abb-terra-ac: %v %+v", err, tpl)
	}
	rtu := 0
	for _, o := range byKey {
		if c, _ := v1alpha1.DecodeCharger(o); c != nil && v1alpha1.ConnectionAs[v1alpha1.ModbusRTUConnection](c.Spec.Connection) != nil {
			rtu++
		}
	}
	if rtu != 1 {
		t.Errorf("%d RTU chargers, want 1", rtu)
	}
}
