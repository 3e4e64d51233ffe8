package schemas

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/schemas/validate"
)

// typedKinds pairs each kind with its Go type, the whole document.
var typedKinds = map[string]reflect.Type{
	"CSMS":            reflect.TypeFor[v1alpha1.CSMS](),
	"Bus":             reflect.TypeFor[v1alpha1.Bus](),
	"Secret":          reflect.TypeFor[v1alpha1.Secret](),
	"Template":        reflect.TypeFor[v1alpha1.Template](),
	"Charger":         reflect.TypeFor[v1alpha1.Charger](),
	"ChargingProfile": reflect.TypeFor[v1alpha1.ChargingProfile](),
	"Transaction":     reflect.TypeFor[v1alpha1.Transaction](),
	"Token":           reflect.TypeFor[v1alpha1.Token](),
}

// load returns the compiled generated schemas.
func load() (*validate.Set, error) { return v1alpha1.ResourceSchemaSet(), nil }

func TestSchemasCompile(t *testing.T) {
	c, err := load()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range v1alpha1.Kinds() {
		if !c.Has(BaseURL + strings.ToLower(k.Kind) + ".json") {
			t.Errorf("no schema for %s", k.Kind)
		}
		b, ok := ResourceSchema(k.Kind)
		if !ok || !json.Valid(b) {
			t.Errorf("ResourceSchema(%s) = %v", k.Kind, ok)
		}
		if typedKinds[k.Kind] == nil {
			t.Errorf("test table lacks %s", k.Kind)
		}
	}
	if _, ok := ResourceSchema("common"); ok {
		t.Error("ResourceSchema returned a non-kind")
	}
}

// TestSchemaMatchesGoTypes walks every kind's Go type and its schema together
// and fails on any object whose JSON field names differ, or any scalar whose
// JSON type differs, so the schema and the structs cannot drift apart.
func TestSchemaMatchesGoTypes(t *testing.T) {
	c, err := load()
	if err != nil {
		t.Fatal(err)
	}
	for kind, typ := range typedKinds {
		url := BaseURL + strings.ToLower(kind) + ".json"
		root := c.Raw(url + "#")
		for _, p := range compareSchema(c, url, kind, root, typ) {
			t.Error(p)
		}
	}
}

// TestAgreementCheckerCatchesMismatch proves the walker above can fail.
func TestAgreementCheckerCatchesMismatch(t *testing.T) {
	c, err := load()
	if err != nil {
		t.Fatal(err)
	}
	type badEVSE struct {
		ID    string `json:"id"` // wrong type
		Plugs []int  `json:"plugs"`
	}
	type badSpec struct {
		TemplateRef string    `json:"templateRef"`
		Extra       int       `json:"extra"`
		EVSEs       []badEVSE `json:"evses"`
	}
	url := BaseURL + "charger.json"
	problems := compareSchema(c, url, "spec", c.Raw(url+"#/properties/spec"), reflect.TypeFor[badSpec]())
	joined := strings.Join(problems, "\n")
	for _, want := range []string{
		`spec: Go fields not in schema: [extra]`,
		`spec: schema properties not in Go: [connection electrical failureThreshold ocpp pollInterval]`,
		`spec.evses[].id: Go type string, schema type integer`,
		`spec.evses[]: Go fields not in schema: [plugs]`,
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("checker missed %q; got:\n%s", want, joined)
		}
	}
}

func compareSchema(c *validate.Set, base, path string, node map[string]any, typ reflect.Type) []string {
	node, base = resolveRef(c, base, node)
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if o, ok := reflect.Zero(typ).Interface().(interface {
		JSONSchemaOneOf() map[string]reflect.Type
	}); ok {
		typ = oneOfStruct(o.JSONSchemaOneOf()) // a registered protocol's connection: one member per key
	}
	if o, ok := reflect.Zero(typ).Interface().(interface {
		JSONSchemaProperties() map[string]reflect.Type
	}); ok {
		typ = oneOfStruct(o.JSONSchemaProperties()) // a template's read: one member per protocol
	}
	switch {
	case typ == reflect.TypeFor[json.RawMessage]() || typ.Kind() == reflect.Interface:
		return nil
	case typ == reflect.TypeFor[v1alpha1.AttributeValue]():
		if !slices.Contains(schemaTypes(node), "string") {
			return []string{fmt.Sprintf("%s: attribute value schema must accept strings", path)}
		}
		return nil
	}
	switch typ.Kind() {
	case reflect.Struct:
		return compareStruct(c, base, path, node, typ)
	case reflect.Map:
		if !slices.Contains(schemaTypes(node), "object") {
			return []string{fmt.Sprintf("%s: Go map, schema type %v", path, schemaTypes(node))}
		}
		if sub, ok := node["additionalProperties"].(map[string]any); ok {
			return compareSchema(c, base, path+"{}", sub, typ.Elem())
		}
		return nil
	case reflect.Slice:
		items, _ := node["items"].(map[string]any)
		if !slices.Contains(schemaTypes(node), "array") || items == nil {
			return []string{fmt.Sprintf("%s: Go slice, schema type %v", path, schemaTypes(node))}
		}
		return compareSchema(c, base, path+"[]", items, typ.Elem())
	}
	want := map[reflect.Kind]string{reflect.String: "string", reflect.Bool: "boolean", reflect.Float64: "number",
		reflect.Int: "integer", reflect.Int64: "integer"}[typ.Kind()]
	if got := schemaTypes(node); !slices.Contains(got, want) {
		return []string{fmt.Sprintf("%s: Go type %s, schema type %s", path, want, strings.Join(got, ","))}
	}
	return nil
}

func compareStruct(c *validate.Set, base, path string, node map[string]any, typ reflect.Type) []string {
	props, _ := node["properties"].(map[string]any)
	if props == nil {
		return []string{fmt.Sprintf("%s: Go struct %s, schema has no properties", path, typ)}
	}
	if node["additionalProperties"] != false {
		return []string{fmt.Sprintf("%s: schema object must set additionalProperties: false", path)}
	}
	fields := map[string]reflect.Type{}
	collectFields(typ, fields)
	goNames := make([]string, 0, len(fields))
	for n := range fields {
		if n != "-" {
			goNames = append(goNames, n)
		}
	}
	sort.Strings(goNames)
	var onlyGo, onlySchema, problems []string
	for _, n := range goNames {
		if _, ok := props[n]; !ok {
			onlyGo = append(onlyGo, n)
		}
	}
	for n := range props {
		if !slices.Contains(goNames, n) {
			onlySchema = append(onlySchema, n)
		}
	}
	sort.Strings(onlySchema)
	if len(onlyGo) > 0 {
		problems = append(problems, fmt.Sprintf("%s: Go fields not in schema: %v", path, onlyGo))
	}
	if len(onlySchema) > 0 {
		problems = append(problems, fmt.Sprintf("%s: schema properties not in Go: %v", path, onlySchema))
	}
	for _, r := range sortedStrings(node["required"]) {
		if _, ok := props[r]; !ok {
			problems = append(problems, fmt.Sprintf("%s: required %q is not a property", path, r))
		}
	}
	for _, n := range goNames {
		if sub, ok := props[n].(map[string]any); ok {
			problems = append(problems, compareSchema(c, base, path+"."+n, sub, fields[n])...)
		}
	}
	return problems
}

func collectFields(typ reflect.Type, out map[string]reflect.Type) {
	for i := range typ.NumField() {
		f := typ.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			collectFields(f.Type, out)
			continue
		}
		out[name] = f.Type
	}
}

func resolveRef(c *validate.Set, base string, node map[string]any) (map[string]any, string) {
	for {
		ref, ok := node["$ref"].(string)
		if !ok {
			return node, base
		}
		url, frag, _ := strings.Cut(ref, "#")
		if url == "" {
			url = base
		} else {
			url = BaseURL + url
		}
		node, base = c.Raw(url+"#"+frag), url
	}
}

func schemaTypes(node map[string]any) []string {
	switch t := node["type"].(type) {
	case string:
		return []string{t}
	case []any:
		return sortedStrings(t)
	}
	if cv, ok := node["const"].(string); ok && cv != "" {
		return []string{"string"}
	}
	return nil
}

// oneOfStruct is a struct with one optional member per alternative, the
// shape the schema's object of alternatives has.
func oneOfStruct(alts map[string]reflect.Type) reflect.Type {
	var fields []reflect.StructField
	for i, k := range slices.Sorted(maps.Keys(alts)) {
		fields = append(fields, reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.PointerTo(alts[k]),
			Tag: reflect.StructTag(fmt.Sprintf(`json:%q`, k+",omitempty"))})
	}
	return reflect.StructOf(fields)
}
