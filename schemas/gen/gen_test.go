package gen

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

type tcp struct {
	Host string `json:"host" x:"minLength=1"`
	Port int    `json:"port,omitempty" x:"minimum=1,maximum=65535"`
}

type rtu struct {
	BusRef string `json:"busRef"`
}

// connection is the test's plug-in shape: exactly one protocol's member,
// kept out of the JSON fields (JSON methods would read and write it; the
// schema comes from JSONSchemaOneOf alone).
type connection struct {
	Member any `json:"-"`
}

func (connection) JSONSchemaOneOf() map[string]reflect.Type {
	return map[string]reflect.Type{"tcp": reflect.TypeFor[tcp](), "rtu": reflect.TypeFor[*rtu]()}
}

// registryConnection is the same shape held in a map, its method on the
// pointer, as a registry-backed connection may be.
type registryConnection map[string]any

func (*registryConnection) JSONSchemaOneOf() map[string]reflect.Type {
	return map[string]reflect.Type{"tcp": reflect.TypeFor[tcp]()}
}

type common struct {
	Note string `json:"note,omitempty"`
}

type device struct {
	common
	Name       string             `json:"name" x:"is=name"`
	Mode       string             `json:"mode,omitempty" x:"enum=modes"`
	Connection connection         `json:"connection"`
	Other      registryConnection `json:"other,omitempty" x:"minProperties=1"`
	Labels     map[string]string  `json:"labels,omitempty" x:"keys.maxLength=63,items.is=name"`
	Extra      map[string]any     `json:"extra,omitempty"`
	Tags       []string           `json:"tags,omitempty" x:"minItems=1,items.maxLength=8"`
	Late       string             `json:"late,omitempty" x:"required"`
	Loose      string             `json:"loose" x:"optional" doc:"Loose, for editors."`
}

var testConfig = &Config{
	Tag: "x", DescriptionTag: "doc", DefsKey: "$defs", Inline: true, Maps: true,
	Enums:   map[string][]any{"modes": {"a", "b"}},
	Strings: map[string]Schema{"name": {"pattern": "^[a-z]+$", "x-message": "must be lower-case"}},
}

func render(t *testing.T, s Schema) string {
	t.Helper()
	b, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOneOfIsExactlyOneMember checks the shape of a JSONSchemaOneOf type:
// one optional property per member, nothing else, exactly one present.
func TestOneOfIsExactlyOneMember(t *testing.T) {
	s, err := New(testConfig).Object(reflect.TypeFor[device]())
	if err != nil {
		t.Fatal(err)
	}
	conn := s["properties"].(Schema)["connection"].(Schema)
	want := `{"additionalProperties":false,"maxProperties":1,"minProperties":1,"properties":{` +
		`"rtu":{"additionalProperties":false,"properties":{"busRef":{"type":"string"}},"required":["busRef"],"type":"object"},` +
		`"tcp":{"additionalProperties":false,"properties":{"host":{"minLength":1,"type":"string"},"port":{"maximum":65535,"minimum":1,"type":"integer"}},"required":["host"],"type":"object"}},` +
		`"type":"object"}`
	got, _ := json.Marshal(conn)
	if !sameJSON(t, got, want) {
		t.Errorf("connection schema\n got %s\nwant %s", got, want)
	}
	if _, required := conn["required"]; required {
		t.Error("oneOf members must each be optional")
	}
	other := s["properties"].(Schema)["other"].(Schema)
	if props, _ := other["properties"].(Schema); len(props) != 1 || other["maxProperties"] != 1 || other["additionalProperties"] != false {
		t.Errorf("map-backed oneOf with a pointer method: %v", other)
	}
}

// sameJSON compares two documents whatever their key order.
func sameJSON(t *testing.T, got []byte, want string) bool {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(a, b)
}

// TestTagsAndRequired covers the resource-side keys: named enums and string
// rules, map keys and values, embedded structs, required and optional.
func TestTagsAndRequired(t *testing.T) {
	s, err := New(testConfig).Object(reflect.TypeFor[device]())
	if err != nil {
		t.Fatal(err)
	}
	got := render(t, s)
	for _, want := range []string{
		`"note": {`, // embedded struct flattened
		`"enum": [
        "a",
        "b"
      ]`,
		`"pattern": "^[a-z]+$"`,
		`"propertyNames": {
        "maxLength": 63,
        "type": "string"
      }`,
		`"minItems": 1`,
		`"description": "Loose, for editors."`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("schema lacks %s:\n%s", want, got)
		}
	}
	req, _ := json.Marshal(s["required"])
	if string(req) != `["name","connection","late"]` {
		t.Errorf("required = %s", req)
	}
	extra := s["properties"].(Schema)["extra"].(Schema)
	if _, ok := extra["additionalProperties"]; ok {
		t.Errorf("map of any must leave values open: %v", extra)
	}
	labels := s["properties"].(Schema)["labels"].(Schema)["additionalProperties"].(Schema)
	if labels["x-message"] != "must be lower-case" {
		t.Errorf("map values lack the string rule: %v", labels)
	}
}

// TestConfigErrors proves mistakes stop generation and name the field.
func TestConfigErrors(t *testing.T) {
	cases := map[string]any{
		"unknown enum": struct {
			A string `json:"a" x:"enum=nope"`
		}{},
		"unknown rule": struct {
			A string `json:"a" x:"is=nope"`
		}{},
		"keys on a slice": struct {
			A []string `json:"a" x:"keys.maxLength=3"`
		}{},
		"pattern on integer": struct {
			A int `json:"a" x:"is=name"`
		}{},
		"map without Maps": struct {
			A map[string]string `json:"a"`
		}{},
		"minProperties on string": struct {
			A string `json:"a" x:"minProperties=1"`
		}{},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			cfg := *testConfig
			if name == "map without Maps" {
				cfg.Maps = false
			}
			_, err := New(&cfg).Object(reflect.TypeOf(v))
			if err == nil || !strings.Contains(err.Error(), ".A") {
				t.Errorf("error %v does not name the field", err)
			}
		})
	}
	type loop struct {
		Next *loop `json:"next,omitempty"`
	}
	if _, err := New(testConfig).Object(reflect.TypeFor[loop]()); err == nil || !strings.Contains(err.Error(), "contains itself") {
		t.Errorf("recursive inline type: %v", err)
	}
}
