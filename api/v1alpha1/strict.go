package v1alpha1

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// checkShape walks a decoded JSON value (numbers as json.Number) against the Go
// type it will be decoded into and reports every unknown field and wrong type
// with its path. encoding/json stops at the first problem and names no path
// for unknown fields; this lists them all. Field names match exactly, unlike
// encoding/json's case-insensitive matching.
func checkShape(errs *fieldErrors, p FieldPath, v any, t reflect.Type) {
	if v == nil {
		return // null leaves the zero value, which defaulting and validation judge
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessageType || t.Kind() == reflect.Interface {
		return
	}
	if s, ok := reflect.Zero(t).Interface().(jsonShaper); ok {
		checkShape(errs, p, v, s.jsonShape(v))
		return
	}
	if t == attributeValueType {
		switch v.(type) {
		case string, json.Number, bool:
		default:
			errs.add(p, "must be string, number or boolean, got "+JSONType(v))
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			errs.add(p, "must be object, got "+JSONType(v))
			return
		}
		fields := jsonFields(t)
		for _, k := range slices.Sorted(maps.Keys(m)) {
			f, ok := fields[k]
			if !ok {
				errs.add(p.Key(k), fmt.Sprintf("unknown field %q", k))
				continue
			}
			checkShape(errs, p.Key(k), m[k], f.Type)
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			errs.add(p, "must be object, got "+JSONType(v))
			return
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			checkShape(errs, p.Key(k), m[k], t.Elem())
		}
	case reflect.Slice:
		a, ok := v.([]any)
		if !ok {
			errs.add(p, "must be array, got "+JSONType(v))
			return
		}
		for i, e := range a {
			checkShape(errs, p.Index(i), e, t.Elem())
		}
	default:
		checkScalar(errs, p, v, t)
	}
}

func checkScalar(errs *fieldErrors, p FieldPath, v any, t reflect.Type) {
	want := jsonTypeOfKind(t.Kind())
	switch t.Kind() {
	case reflect.String:
		if _, ok := v.(string); ok {
			return
		}
	case reflect.Bool:
		if _, ok := v.(bool); ok {
			return
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if n, ok := v.(json.Number); ok {
			i, err := strconv.ParseInt(string(n), 10, 64)
			if err != nil || reflect.Zero(t).OverflowInt(i) {
				errs.add(p, fmt.Sprintf("must be integer, got %s", n))
			}
			return
		}
	case reflect.Float32, reflect.Float64:
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err != nil || math.IsInf(f, 0) {
				errs.add(p, fmt.Sprintf("number %s is out of range", n))
			}
			return
		}
	default:
		return
	}
	errs.add(p, fmt.Sprintf("must be %s, got %s", want, JSONType(v)))
}

// jsonShaper is a type whose document form is not its Go fields (it has its
// own UnmarshalJSON); jsonShape names the Go type that has the shape of v.
type jsonShaper interface{ jsonShape(v any) reflect.Type }

var (
	rawMessageType     = reflect.TypeFor[json.RawMessage]()
	attributeValueType = reflect.TypeFor[AttributeValue]()
)

// jsonFields maps the JSON names of t's fields, flattening embedded structs
// as encoding/json does.
func jsonFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f
	}
	return out
}

// JSONFieldNames returns the JSON member names of a struct type, embedded
// structs flattened. Schema tests compare them with schema properties.
func JSONFieldNames(t reflect.Type) []string {
	return slices.Sorted(maps.Keys(jsonFields(t)))
}

// JSONType names the JSON type of a decoded value as JSON Schema does; a
// number without a fraction is "integer".
func JSONType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return "integer"
		}
		return "number"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func jsonTypeOfKind(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Float32, reflect.Float64:
		return "number"
	}
	return "integer"
}
