package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"github.com/ocppgw/ocppgw/api/audit"
	"github.com/ocppgw/ocppgw/api/labels"
	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

func (s *Server) handleCollectionGet(w http.ResponseWriter, r *http.Request) {
	k, err := kindFor(r)
	if err != nil {
		s.writeError(w, r, err, "", "")
		return
	}
	watch, err := boolParam(r, "watch")
	if err != nil {
		s.writeError(w, r, err, k.Kind, "")
		return
	}
	if watch {
		s.serveWatch(w, r, k)
		return
	}
	sel, err := selectorParam(r)
	if err != nil {
		s.writeError(w, r, err, k.Kind, "")
		return
	}
	objs, rev := s.store.List(k.Kind)
	list := v1alpha1.List{
		APIVersion: v1alpha1.APIVersion,
		Kind:       k.Kind + "List",
		Metadata:   v1alpha1.ListMeta{ResourceVersion: strconv.FormatInt(rev, 10)},
		Items:      make([]v1alpha1.Object, 0, len(objs)),
	}
	for _, o := range objs {
		if sel.Matches(o.Metadata.Labels) {
			list.Items = append(list.Items, *redact(o))
		}
	}
	writeJSON(w, http.StatusOK, list)
}

// handleGet serves an object, and its /status subresource, which is the
// whole object as in Kubernetes.
func (s *Server) handleGet(w http.ResponseWriter, r *http.Request) {
	k, err := kindFor(r)
	if err != nil {
		s.writeError(w, r, err, "", "")
		return
	}
	name := r.PathValue("name")
	obj, err := s.store.Get(k.Kind, name)
	if err != nil {
		s.writeError(w, r, err, k.Kind, name)
		return
	}
	writeJSON(w, http.StatusOK, redact(obj))
}

func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	k, err := kindFor(r)
	if err != nil {
		s.writeError(w, r, err, "", "")
		return
	}
	obj, err := s.admittedBody(w, r, k, "")
	if err != nil {
		s.writeError(w, r, err, k.Kind, "")
		return
	}
	if err := authorizeSecretRefs(r, obj); err != nil {
		s.writeError(w, r, err, k.Kind, obj.Metadata.Name)
		return
	}
	var out *v1alpha1.Object
	err = s.store.Txn(false, func(tx *store.Tx) error {
		if err := refsExist(tx, obj); err != nil {
			return err
		}
		out, err = tx.Create(obj)
		return err
	})
	if err != nil {
		s.writeError(w, r, err, k.Kind, obj.Metadata.Name)
		return
	}
	s.logChange(r.Context(), v1alpha1.ActionCreated, out)
	writeJSON(w, http.StatusCreated, redact(out))
}

// handleUpdate replaces spec, labels and annotations. Status in the body is
// ignored; a resourceVersion in the body must be current.
func (s *Server) handleUpdate(w http.ResponseWriter, r *http.Request) {
	k, err := kindFor(r)
	if err != nil {
		s.writeError(w, r, err, "", "")
		return
	}
	name := r.PathValue("name")
	obj, err := s.admittedBody(w, r, k, name)
	if err != nil {
		s.writeError(w, r, err, k.Kind, name)
		return
	}
	if err := authorizeSecretRefs(r, obj); err != nil {
		s.writeError(w, r, err, k.Kind, obj.Metadata.Name)
		return
	}
	var out *v1alpha1.Object
	err = s.store.Txn(false, func(tx *store.Tx) error {
		if err := refsExist(tx, obj); err != nil {
			return err
		}
		out, err = tx.Update(obj)
		return err
	})
	if err != nil {
		s.writeError(w, r, err, k.Kind, name)
		return
	}
	s.logChange(r.Context(), v1alpha1.ActionConfigured, out)
	writeJSON(w, http.StatusOK, redact(out))
}

// handleUpdateStatus replaces status only. Status belongs to controllers and
// has no schema check here; spec, labels and annotations in the body are ignored.
func (s *Server) handleUpdateStatus(w http.ResponseWriter, r *http.Request) {
	k, err := kindFor(r)
	if err != nil {
		s.writeError(w, r, err, "", "")
		return
	}
	name := r.PathValue("name")
	obj, err := s.decodeBody(w, r, k, name)
	if err == nil && len(obj.Status) > 0 && !bytes.Equal(obj.Status, []byte("null")) && obj.Status[0] != '{' {
		err = &v1alpha1.ValidationError{Kind: k.Kind, Name: name,
			Errors: []v1alpha1.FieldError{{Field: "status", Reason: "must be an object"}}}
	}
	if err != nil {
		s.writeError(w, r, err, k.Kind, name)
		return
	}
	obj.Kind = k.Kind
	out, err := s.store.UpdateStatus(obj)
	if err != nil {
		s.writeError(w, r, err, k.Kind, name)
		return
	}
	audit.Note(r.Context(), audit.Object{Action: "status", Kind: out.Kind, Name: out.Metadata.Name, Revision: out.Metadata.ResourceVersion})
	writeJSON(w, http.StatusOK, redact(out))
}

func (s *Server) handleDelete(w http.ResponseWriter, r *http.Request) {
	k, err := kindFor(r)
	if err != nil {
		s.writeError(w, r, err, "", "")
		return
	}
	name := r.PathValue("name")
	rv := r.URL.Query().Get("resourceVersion")
	if _, perr := strconv.ParseInt(rv, 10, 64); rv != "" && perr != nil {
		s.writeError(w, r, badRequest("invalid resourceVersion %q: must be a decimal revision", rv), k.Kind, name)
		return
	}
	out, err := s.store.Delete(k.Kind, name, rv)
	if err != nil {
		s.writeError(w, r, err, k.Kind, name)
		return
	}
	s.logChange(r.Context(), actionDeleted, out)
	writeJSON(w, http.StatusOK, redact(out))
}

// admittedBody decodes a POST or PUT body and admits it: schema, defaults
// and checks. Status is dropped, since it is not the writer's to set here.
func (s *Server) admittedBody(w http.ResponseWriter, r *http.Request, k v1alpha1.KindInfo, urlName string) (*v1alpha1.Object, error) {
	obj, err := s.decodeBody(w, r, k, urlName)
	if err != nil {
		return nil, err
	}
	obj.Status = nil
	if err := manifest.Admit(obj); err != nil {
		return nil, err
	}
	if ve := markerError(obj); ve != nil {
		return nil, ve
	}
	return obj, nil
}

// docSeparator matches a YAML document marker line.
var docSeparator = regexp.MustCompile(`(?m)^---[ \t]*(#.*)?\r?$`)

// decodeBody reads one object, JSON or YAML. Unknown envelope fields are
// refused here because the Object type would drop them silently. The kind
// and, for an item URL, the name must be those of the URL.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, k v1alpha1.KindInfo, urlName string) (*v1alpha1.Object, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if n := countDocuments(body); n != 1 {
		return nil, badRequest("the request body holds %d documents; send exactly one object, or POST several to %s/apply", n, prefix)
	}
	js, err := manifest.ToJSON(body)
	var (
		le *manifest.LimitError
		ee *manifest.EncodingError
	)
	if errors.As(err, &le) || errors.As(err, &ee) {
		return nil, err
	} else if err != nil {
		return nil, badRequest("the request body is not valid JSON or YAML: %v", err)
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return nil, badRequest("the request body is not valid JSON or YAML: %v", err)
	}
	m, ok := generic.(map[string]any)
	if !ok {
		return nil, badRequest("the request body must be an object with apiVersion, kind, metadata and spec")
	}
	obj := &v1alpha1.Object{}
	if err := json.Unmarshal(js, obj); err != nil {
		return nil, envelopeError(m, err)
	}
	if fes := unknownEnvelopeFields(m); len(fes) > 0 {
		return nil, &v1alpha1.ValidationError{Kind: obj.Kind, Name: obj.Metadata.Name, Errors: fes}
	}
	if bk, known := v1alpha1.LookupKind(obj.Kind); known && bk.Kind == obj.Kind && obj.Kind != k.Kind {
		return nil, badRequest("the body's kind %q does not match the URL's resource type %q (kind %s)", obj.Kind, k.Plural, k.Kind)
	}
	if urlName != "" && obj.Metadata.Name != urlName {
		return nil, badRequest("metadata.name %q does not match the name in the URL %q", obj.Metadata.Name, urlName)
	}
	return obj, nil
}

// countDocuments counts the non-blank YAML documents of body.
func countDocuments(body []byte) int {
	n := 0
	for _, part := range docSeparator.Split(string(body), -1) {
		for _, line := range bytes.Split([]byte(part), []byte("\n")) {
			if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
				n++
				break
			}
		}
	}
	return n
}

var (
	envelopeFields = map[string]bool{"apiVersion": true, "kind": true, "metadata": true, "spec": true, "status": true}
	metadataFields = map[string]bool{"name": true, "uid": true, "resourceVersion": true, "generation": true,
		"creationTimestamp": true, "labels": true, "annotations": true}
)

func unknownEnvelopeFields(m map[string]any) []v1alpha1.FieldError {
	var errs []v1alpha1.FieldError
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !envelopeFields[k] {
			errs = append(errs, v1alpha1.FieldError{Field: k, Reason: fmt.Sprintf("unknown field %q", k)})
		}
	}
	meta, _ := m["metadata"].(map[string]any)
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		if !metadataFields[k] {
			errs = append(errs, v1alpha1.FieldError{Field: "metadata." + k, Reason: fmt.Sprintf("unknown field %q", k)})
		}
	}
	return errs
}

// envelopeError words a type error in apiVersion, kind or metadata.
func envelopeError(m map[string]any, err error) error {
	kind, _ := m["kind"].(string)
	var name string
	if meta, ok := m["metadata"].(map[string]any); ok {
		name, _ = meta["name"].(string)
	}
	fe := v1alpha1.FieldError{Reason: err.Error()}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		fe = v1alpha1.FieldError{Field: te.Field, Reason: fmt.Sprintf("must be %s, got %s", jsonTypeName(te.Type.Kind().String()), te.Value)}
	}
	return &v1alpha1.ValidationError{Kind: kind, Name: name, Errors: []v1alpha1.FieldError{fe}}
}

func jsonTypeName(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "map", "struct":
		return "object"
	case "slice":
		return "array"
	}
	return "number"
}

func boolParam(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badRequest("invalid %s=%q: must be true or false", name, v)
	}
	return b, nil
}

func selectorParam(r *http.Request) (labels.Selector, error) {
	sel, err := labels.Parse(r.URL.Query().Get("labelSelector"))
	if err != nil {
		return labels.Selector{}, badRequest("%v", err)
	}
	return sel, nil
}
