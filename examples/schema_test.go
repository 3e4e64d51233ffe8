package examples_test

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"sigs.k8s.io/yaml"
)

var modeline = regexp.MustCompile(`^# yaml-language-server: \$schema=(\S+)\n`)

// editorSchema compiles a schema as an editor does: from its file, with
// nothing registered and no network, so every $ref must resolve from the
// files beside it.
func editorSchema(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.LoadURL = func(url string) (io.ReadCloser, error) {
		if !strings.HasPrefix(url, "file://") {
			t.Fatalf("%s: resolving it needs %s, which is not a file", path, url)
		}
		return jsonschema.LoadURL(url)
	}
	s, err := c.Compile("file://" + abs)
	if err != nil {
		t.Fatalf("%s does not compile standalone: %v", path, err)
	}
	return s
}

// yamlDoc converts one YAML document to what a JSON Schema validates.
func yamlDoc(t *testing.T, name string, y []byte) any {
	t.Helper()
	j, err := yaml.YAMLToJSON(y)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var doc any
	d := json.NewDecoder(bytes.NewReader(j))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return doc
}

// TestTemplatesValidateInEditors checks what an editor with the YAML
// language server does: each example template names its schema in a
// modeline, the schema loads from that relative path, and the template
// validates against it.
func TestTemplatesValidateInEditors(t *testing.T) {
	files, err := filepath.Glob("templates/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := modeline.FindSubmatch(raw)
		if m == nil {
			t.Errorf("%s: first line is not a yaml-language-server $schema modeline", f)
			continue
		}
		s := editorSchema(t, filepath.Join(filepath.Dir(f), string(m[1])))
		if err := s.Validate(yamlDoc(t, f, raw)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	// The schema can fail: a wrong EPC entry and an unknown field are caught.
	s := editorSchema(t, "../schemas/resources/template.json")
	bad := `{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Template","metadata":{"name":"x"},
		"spec":{"protocol":"echonet","read":{"echonet":{"epcs":["0x80",{"epc":"0xD8","size":0},{"epc":"0x7F"},7]}},"signalz":{}}}`
	err = s.Validate(yamlDoc(t, "bad", []byte(bad)))
	for _, want := range []string{"/spec/read/echonet/epcs/1/size", "/spec/read/echonet/epcs/2/epc", "/spec/read/echonet/epcs/3", "signalz"} {
		if err == nil || !strings.Contains(fmtValidation(err), want) {
			t.Errorf("invalid template: error %v does not name %s", err, want)
		}
	}
}

// TestChargersValidateInEditors validates the Chargers of every example
// site (site.yaml, smart-charging/site-limit.yaml, ...) and of the demo site (make run)
// against charger.json loaded standalone. manifest.ReadFiles in the site
// tests checks the other kinds, with the schemas the server embeds.
func TestChargersValidateInEditors(t *testing.T) {
	s := editorSchema(t, "../schemas/resources/charger.json")
	files, err := filepath.Glob("*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("smart-charging/*.yaml")
	if err != nil || !slices.Contains(more, siteLimitFile) {
		t.Fatalf("the site limit example is missing from %v (%v)", more, err)
	}
	files = append(files, more...)
	for _, file := range append(files, "demo/site.yaml") {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for i, d := range strings.Split(string(raw), "\n---\n") {
			doc := yamlDoc(t, file, []byte(d))
			if o, ok := doc.(map[string]any); !ok || o["kind"] != "Charger" {
				continue
			}
			n++
			if err := s.Validate(doc); err != nil {
				t.Errorf("%s document %d: %v", file, i+1, err)
			}
		}
		if n == 0 {
			t.Fatalf("%s has no Charger", file)
		}
	}
}

func fmtValidation(err error) string {
	if ve, ok := err.(*jsonschema.ValidationError); ok {
		return strings.Join(leaves(ve), "\n")
	}
	return err.Error()
}

func leaves(ve *jsonschema.ValidationError) []string {
	out := []string{ve.InstanceLocation + ": " + ve.Message}
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}
