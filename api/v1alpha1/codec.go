package v1alpha1

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
)

// typedKind returns the Kind whose typed view is t.
func typedKind(t reflect.Type) (string, bool) {
	r, ok := scheme.ByType(t)
	if !ok {
		return "", false
	}
	return r.Kind, true
}

// Decode returns the typed view of o, e.g. Decode[Charger](o). Decoding is
// lenient about unknown fields, since stored objects were admitted already
// and may come from a newer version. o is not modified and the result shares
// no memory with it.
func Decode[T any](o *Object) (*T, error) {
	kind, ok := typedKind(reflect.TypeFor[T]())
	if !ok {
		return nil, fmt.Errorf("decode: %s is not a resource kind", reflect.TypeFor[T]())
	}
	if o == nil {
		return nil, fmt.Errorf("decode %s: nil object", kind)
	}
	if o.Kind != kind {
		return nil, fmt.Errorf("decode %s: object is %s", kind, o.Key())
	}
	out := new(T)
	v := reflect.ValueOf(out).Elem()
	v.FieldByName("APIVersion").SetString(o.APIVersion)
	v.FieldByName("Kind").SetString(o.Kind)
	v.FieldByName("Metadata").Set(reflect.ValueOf(o.DeepCopy().Metadata))
	for _, part := range []struct {
		name string
		raw  json.RawMessage
	}{{"Spec", o.Spec}, {"Status", o.Status}} {
		if len(bytes.TrimSpace(part.raw)) == 0 {
			continue
		}
		if err := json.Unmarshal(part.raw, v.FieldByName(part.name).Addr().Interface()); err != nil {
			return nil, fmt.Errorf("decode %s %s: %w", o.Key(), part.name, err)
		}
	}
	return out, nil
}

// Encode turns a typed view (value or pointer, e.g. *Charger) into an
// Object. Spec is canonical JSON; an empty status is left out. apiVersion
// and kind are filled in when empty.
func Encode(v any) (*Object, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, fmt.Errorf("encode: nil %s", rv.Type())
		}
		rv = rv.Elem()
	}
	kind, ok := typedKind(rv.Type())
	if !ok {
		return nil, fmt.Errorf("encode: %T is not a resource kind", v)
	}
	o := &Object{
		APIVersion: rv.FieldByName("APIVersion").String(),
		Kind:       rv.FieldByName("Kind").String(),
		Metadata:   rv.FieldByName("Metadata").Interface().(ObjectMeta),
	}
	o = o.DeepCopy()
	if o.APIVersion == "" {
		o.APIVersion = APIVersion
	}
	if o.Kind == "" {
		o.Kind = kind
	}
	spec, err := json.Marshal(rv.FieldByName("Spec").Interface())
	if err != nil {
		return nil, fmt.Errorf("encode %s spec: %w", o.Key(), err)
	}
	if o.Spec, err = Canonical(spec); err != nil {
		return nil, fmt.Errorf("encode %s spec: %w", o.Key(), err)
	}
	status, err := json.Marshal(rv.FieldByName("Status").Interface())
	if err != nil {
		return nil, fmt.Errorf("encode %s status: %w", o.Key(), err)
	}
	if !bytes.Equal(status, []byte("{}")) {
		o.Status = status
	}
	return o, nil
}

// DecodeBus returns the typed view of a Bus object.
func DecodeBus(o *Object) (*Bus, error) { return Decode[Bus](o) }

// DecodeTemplate returns the typed view of a Template object.
func DecodeTemplate(o *Object) (*Template, error) { return Decode[Template](o) }

// DecodeCharger returns the typed view of a Charger object.
func DecodeCharger(o *Object) (*Charger, error) { return Decode[Charger](o) }

// DecodeTransaction returns the typed view of a Transaction object.
func DecodeTransaction(o *Object) (*Transaction, error) { return Decode[Transaction](o) }

// DecodeToken returns the typed view of a Token object.
func DecodeToken(o *Object) (*Token, error) { return Decode[Token](o) }
