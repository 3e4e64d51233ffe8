package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/schemas"
)

// Doc is one admitted object of a manifest and where it came from.
type Doc struct {
	Source string // file name, "<stdin>", or what the caller passed
	Index  int    // 1-based document index within Source
	Object *v1alpha1.Object
}

// Decode splits a multi-document YAML stream (documents separated by "---"
// lines), a JSON object or a JSON stream into objects, and validates each:
// syntax, kind, schema, then admission (defaults and semantic checks). Every
// document is checked. If any is invalid, Decode returns no documents and an
// *Errors naming each bad one, so the caller stores nothing. Empty documents
// are skipped but keep their index. Input over one of the limits of
// limits.go ends the decode with a *LimitError, and input that is not UTF-8
// with an *EncodingError, before the offending document is parsed further.
func Decode(source string, data []byte) ([]Doc, error) {
	var d decoder
	if err := d.decode(source, data); err != nil {
		return nil, err
	}
	if err := d.errs.orNil(); err != nil {
		return nil, err
	}
	return d.docs, nil
}

// decoder accumulates documents and errors across one or more sources, and
// remembers where each object was defined to catch duplicates.
type decoder struct {
	docs   []Doc
	errs   Errors
	seen   map[string]string // Kind/name → "source document N"
	chunks int               // documents split so far, against MaxDocuments
}

// decode adds the documents of one source. A limit hit or bad UTF-8 ends
// the whole decode at once and is returned; invalid documents are collected.
func (d *decoder) decode(source string, data []byte) error {
	if err := checkSource(source, data); err != nil {
		return err
	}
	chunks, err := splitStream(data, MaxDocuments-d.chunks)
	if err != nil {
		err.Source = source
		return err
	}
	d.chunks += len(chunks)
	for _, c := range chunks {
		obj, ve, err := decodeChunk(c)
		if err != nil {
			err.Source, err.Document = source, c.index
			return err
		}
		if ve == nil && obj == nil {
			continue // empty document
		}
		if ve == nil {
			ve = d.checkDuplicate(source, c.index, obj)
		}
		if ve != nil {
			ve.Source, ve.Document = source, c.index
			ve.Errors = capErrors(ve.Errors)
			d.errs.Items = append(d.errs.Items, ve)
			continue
		}
		d.docs = append(d.docs, Doc{Source: source, Index: c.index, Object: obj})
	}
	return nil
}

// maxDocErrors is how many problems of one document are kept: a document
// of many small bad values would otherwise yield an error report many
// times its own size.
const maxDocErrors = 100

func capErrors(errs []v1alpha1.FieldError) []v1alpha1.FieldError {
	if len(errs) <= maxDocErrors {
		return errs
	}
	more := v1alpha1.FieldError{Reason: fmt.Sprintf("and %d more problems", len(errs)-maxDocErrors)}
	return append(errs[:maxDocErrors:maxDocErrors], more)
}

func (d *decoder) checkDuplicate(source string, index int, obj *v1alpha1.Object) *v1alpha1.ValidationError {
	if d.seen == nil {
		d.seen = map[string]string{}
	}
	here := fmt.Sprintf("%s document %d", source, index)
	if prev, dup := d.seen[obj.Key()]; dup {
		return &v1alpha1.ValidationError{Kind: obj.Kind, Name: obj.Metadata.Name, Errors: []v1alpha1.FieldError{{
			Field: "metadata.name", Reason: fmt.Sprintf("%s is defined twice; first in %s", obj.Key(), prev)}}}
	}
	d.seen[obj.Key()] = here
	return nil
}

// decodeChunk turns one document into an admitted object. It returns (nil,
// nil, nil) for an empty document, and a *LimitError for a document over
// the limits.
func decodeChunk(c chunk) (*v1alpha1.Object, *v1alpha1.ValidationError, *LimitError) {
	invalid := func(errs ...v1alpha1.FieldError) *v1alpha1.ValidationError {
		return &v1alpha1.ValidationError{Errors: errs}
	}
	if c.err != "" {
		if c.isJSON {
			return nil, invalid(v1alpha1.FieldError{Reason: c.err}), nil
		}
		return nil, invalid(v1alpha1.FieldError{Reason: "invalid YAML: " + c.err}), nil
	}
	js := c.text
	var le *LimitError
	if c.isJSON {
		if err := checkDuplicateKeys(js); errors.As(err, &le) {
			le.Line += c.line - 1
			return nil, nil, le
		} else if err != nil {
			return nil, invalid(v1alpha1.FieldError{Reason: fmt.Sprintf("invalid JSON: line %d: %v", c.line, err)}), nil
		}
	} else {
		if err := checkYAML(c.text); errors.As(err, &le) {
			return nil, nil, le
		}
		var err error
		if js, err = yaml.YAMLToJSONStrict(c.text); err != nil {
			return nil, invalid(yamlErrors(err, c)...), nil
		}
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return nil, invalid(v1alpha1.FieldError{Reason: fmt.Sprintf("invalid document: %v", err)}), nil
	}
	if generic == nil {
		return nil, nil, nil
	}
	obj, ve := check(generic, js)
	return obj, ve, nil
}

// check validates a decoded document (kind, schema, admission) and returns
// the admitted object or every problem found.
func check(generic any, js []byte) (*v1alpha1.Object, *v1alpha1.ValidationError) {
	m, ok := generic.(map[string]any)
	if !ok {
		return nil, &v1alpha1.ValidationError{Errors: []v1alpha1.FieldError{{
			Reason: fmt.Sprintf("document must be a mapping with apiVersion, kind, metadata and spec, got %s", jsonKind(generic))}}}
	}
	ve := &v1alpha1.ValidationError{}
	ve.Kind, _ = m["kind"].(string)
	if meta, ok := m["metadata"].(map[string]any); ok {
		ve.Name, _ = meta["name"].(string)
	}
	if _, isString := m["kind"].(string); !isString && m["kind"] != nil {
		ve.Errors = []v1alpha1.FieldError{{Field: "kind", Reason: fmt.Sprintf("must be string, got %s", jsonKind(m["kind"]))}}
		return nil, ve
	}
	if r := v1alpha1.KindProblem(ve.Kind); r != "" {
		ve.Errors = []v1alpha1.FieldError{{Field: "kind", Reason: r}}
		return nil, ve
	}
	ve.Errors = schemas.ValidateResource(ve.Kind, generic)
	var obj v1alpha1.Object
	if err := json.Unmarshal(js, &obj); err != nil {
		if len(ve.Errors) == 0 {
			ve.Errors = []v1alpha1.FieldError{{Reason: fmt.Sprintf("invalid document: %v", err)}}
		}
		return nil, ve
	}
	if err := v1alpha1.Admit(&obj); err != nil {
		aerr, ok := err.(*v1alpha1.ValidationError)
		if !ok {
			aerr = &v1alpha1.ValidationError{Errors: []v1alpha1.FieldError{{Reason: err.Error()}}}
		}
		ve.Errors = v1alpha1.MergeFieldErrors(ve.Errors, aerr.Errors...)
	}
	if len(ve.Errors) == 0 && obj.Kind == v1alpha1.KindTemplate {
		ve.Errors = templateCEL(&obj)
	}
	if len(ve.Errors) > 0 {
		return nil, ve
	}
	return &obj, nil
}

// templateCEL compiles an admitted Template's expressions: CEL that does not
// compile, has the wrong type or could exceed its cost bound is refused at
// apply, with its field, line and column.
func templateCEL(obj *v1alpha1.Object) []v1alpha1.FieldError {
	var spec v1alpha1.TemplateSpec
	if err := json.Unmarshal(obj.Spec, &spec); err != nil {
		return []v1alpha1.FieldError{{Field: "spec", Reason: err.Error()}}
	}
	return cel.CheckTemplate(&spec)
}

// Admit validates and admits one object, as the API server does for a POST
// or PUT body: schema, then defaults and semantic checks. On success obj.Spec
// holds the defaulted canonical spec. Errors are a *v1alpha1.ValidationError.
func Admit(obj *v1alpha1.Object) error {
	js, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("admit %s: %w", obj.Key(), err)
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return fmt.Errorf("admit %s: %w", obj.Key(), err)
	}
	admitted, ve := check(generic, js)
	if ve != nil {
		ve.Errors = capErrors(ve.Errors)
		return ve
	}
	obj.Spec = admitted.Spec
	return nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case []any:
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case map[string]any:
		return "a mapping"
	}
	return fmt.Sprintf("%T", v)
}
