package v1alpha1

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// templateReadFields is TemplateRead without its JSON methods.
type templateReadFields struct {
	Modbus  *ModbusRead  `json:"modbus,omitempty"`
	Echonet *EchonetRead `json:"echonet,omitempty"`
}

// MarshalJSON writes the fixed members and each registered section under
// its protocol's name.
func (r TemplateRead) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(templateReadFields{Modbus: r.Modbus, Echonet: r.Echonet})
	if err != nil || len(r.Sections) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for name, sec := range r.Sections {
		raw, err := json.Marshal(sec)
		if err != nil {
			return nil, fmt.Errorf("read.%s: %w", name, err)
		}
		m[name] = raw
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads the fixed members and the sections of registered
// protocols; any other member is an error.
func (r *TemplateRead) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*r = TemplateRead{}
	secs := readSections()
	fixed := map[string]json.RawMessage{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		t, ok := secs[k]
		if !ok {
			fixed[k] = m[k]
			continue
		}
		v := reflect.New(t)
		if r.Sections == nil {
			r.Sections = map[string]ReadSpec{}
		}
		r.Sections[k] = v.Interface().(ReadSpec)
		// Unknown members are the resource schema's to report, with paths.
		if err := json.Unmarshal(m[k], v.Interface()); err != nil {
			return fmt.Errorf("read.%s: %w", k, err)
		}
	}
	// Unknown members are the resource schema's to report, with paths; like
	// encoding/json, keep what did decode.
	fb, _ := json.Marshal(fixed)
	var f templateReadFields
	err := json.Unmarshal(fb, &f)
	r.Modbus, r.Echonet = f.Modbus, f.Echonet
	return err
}

// documentShape is a struct with the document form's members, the fixed
// ones and one per registered section, for the resource schema.
func (r TemplateRead) documentShape() reflect.Type { return oneOfStruct(r.JSONSchemaProperties()) }

// JSONSchemaProperties lists the members of the document form for the
// resource schema generator, fixed and registered alike.
func (TemplateRead) JSONSchemaProperties() map[string]reflect.Type {
	out := map[string]reflect.Type{"modbus": reflect.TypeFor[ModbusRead](), "echonet": reflect.TypeFor[EchonetRead]()}
	maps.Copy(out, readSections())
	return out
}

// Section returns the template's read section of protocol, nil when the
// template has none.
func (r *TemplateRead) Section(protocol string) ReadSpec {
	if r == nil {
		return nil
	}
	return r.Sections[protocol]
}

// validateSections checks each registered section, and that it is the
// template's protocol's.
func validateSections(errs *fieldErrors, p FieldPath, r *TemplateRead, protocol string) {
	for _, name := range slices.Sorted(maps.Keys(r.Sections)) {
		q := p.Key(name)
		if protocol != "" && protocol != name {
			errs.add(q, fmt.Sprintf("not allowed with protocol %q", protocol))
		}
		*errs = append(*errs, r.Sections[name].Validate(q)...)
	}
	if len(r.Sections) > 0 && (r.Modbus != nil || r.Echonet != nil) {
		errs.add(p, "must hold one protocol's read section, got "+strings.Join(slices.Sorted(maps.Keys(r.Sections)), " and ")+
			" beside modbus or echonet")
	}
}
