package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"

	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/labels"
	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// LastAppliedAnnotation holds the canonical JSON of what the last apply of an
// object sent. Prune only deletes objects that carry it, so objects made by
// hand or by controllers are never pruned.
const LastAppliedAnnotation = "ocppgw.dev/last-applied"

// applyRequest is a decoded, admitted POST /apply.
type applyRequest struct {
	docs   []manifest.Doc
	dryRun bool
	prune  bool
	sel    labels.Selector
	// mayDelete says whether the caller may delete a pruned object.
	mayDelete func(o *v1alpha1.Object) error
}

func (s *Server) handleApply(w http.ResponseWriter, r *http.Request) {
	req, err := s.readApply(w, r)
	if err == nil {
		err = authorizeApply(r, req)
	}
	if err != nil {
		s.writeError(w, r, err, "", "")
		return
	}
	res, err := s.apply(req)
	if err != nil {
		s.writeError(w, r, err, "", "")
		return
	}
	s.logApply(r.Context(), res)
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) readApply(w http.ResponseWriter, r *http.Request) (*applyRequest, error) {
	req := &applyRequest{}
	var err error
	// kubectl spells server-side dry run "All"; accept it as well.
	if v := r.URL.Query().Get("dryRun"); strings.EqualFold(v, "All") {
		req.dryRun = true
	} else if req.dryRun, err = boolParam(r, "dryRun"); err != nil {
		return nil, err
	}
	if req.prune, err = boolParam(r, "prune"); err != nil {
		return nil, err
	}
	if req.sel, err = selectorParam(r); err != nil {
		return nil, err
	}
	if req.prune && req.sel.Empty() {
		return nil, badRequest("prune=true needs a labelSelector that names the set of objects this apply owns")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if req.docs, err = manifest.Decode("", body); err != nil {
		return nil, err
	}
	if len(req.docs) == 0 {
		return nil, badRequest("the request body holds no objects to apply")
	}
	if err := redactionMarkers(req.docs); err != nil {
		return nil, err
	}
	return req, nil
}

// authorizeApply checks that the caller may create and update every
// document's kind (an apply does one or the other, and which is known only
// inside the transaction), and arms the check of what a prune deletes. A
// dry run needs the same rights: it tells what exists.
func authorizeApply(r *http.Request, req *applyRequest) error {
	for _, d := range req.docs {
		if err := authorizeObject(r, d.Object.Kind, d.Object.Metadata.Name, auth.Create, auth.Update); err != nil {
			return err
		}
		if err := authorizeSecretRefs(r, d.Object); err != nil {
			return err
		}
	}
	req.mayDelete = func(o *v1alpha1.Object) error {
		return authorizeObject(r, o.Kind, o.Metadata.Name, auth.Delete)
	}
	return nil
}

// apply writes every document, and prunes, in one store transaction: either
// all of it is stored or none of it. The result is redacted (redact.go).
func (s *Server) apply(req *applyRequest) (*v1alpha1.ApplyResult, error) {
	desired := make([]*v1alpha1.Object, len(req.docs))
	inRequest := make(map[string]bool, len(req.docs))
	for i, d := range req.docs {
		o, err := withLastApplied(d.Object)
		if err != nil {
			return nil, err
		}
		desired[i] = o
		inRequest[o.Key()] = true
	}
	res := &v1alpha1.ApplyResult{DryRun: req.dryRun}
	err := s.store.Txn(req.dryRun, func(tx *store.Tx) error {
		res.Items = nil
		var doomed []*v1alpha1.Object
		if req.prune {
			var err error
			if doomed, err = pruneSet(tx, req.sel, inRequest); err != nil {
				return err
			}
			for _, o := range doomed {
				if err := req.mayDelete(o); err != nil {
					return err
				}
			}
		}
		if err := applyRefs(tx, req.docs, desired, inRequest, doomed); err != nil {
			return err
		}
		for _, o := range desired {
			item, err := applyOne(tx, o)
			if err != nil {
				return err
			}
			res.Items = append(res.Items, item)
		}
		for _, o := range doomed {
			if _, err := tx.Delete(o.Kind, o.Metadata.Name, o.Metadata.ResourceVersion); err != nil {
				return fmt.Errorf("prune %s: %w", o.Key(), err)
			}
			res.Items = append(res.Items, v1alpha1.ApplyItem{Kind: o.Kind, Name: o.Metadata.Name, Action: v1alpha1.ActionPruned, Old: o})
		}
		res.Warnings = pollWarnings(tx, res.Items)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range res.Items {
		redactApplyItem(&res.Items[i])
	}
	return res, nil
}

// applyOne creates o, or updates it when its spec, labels or annotations
// differ; the store's update is a no-op, without a new revision, otherwise.
func applyOne(tx *store.Tx, o *v1alpha1.Object) (v1alpha1.ApplyItem, error) {
	item := v1alpha1.ApplyItem{Kind: o.Kind, Name: o.Metadata.Name}
	cur, err := tx.Get(o.Kind, o.Metadata.Name)
	if errors.Is(err, store.ErrNotFound) {
		item.Action = v1alpha1.ActionCreated
		item.Object, err = tx.Create(o)
		if err != nil {
			return item, fmt.Errorf("create %s: %w", o.Key(), err)
		}
		return item, nil
	}
	if err != nil {
		return item, fmt.Errorf("read %s: %w", o.Key(), err)
	}
	item.Old = cur
	if item.Object, err = tx.Update(o); err != nil {
		return item, fmt.Errorf("update %s: %w", o.Key(), err)
	}
	item.Action = v1alpha1.ActionConfigured
	if item.Object.Metadata.ResourceVersion == cur.Metadata.ResourceVersion {
		item.Action = v1alpha1.ActionUnchanged
	}
	return item, nil
}

// pruneSet lists the objects of every kind that match sel, were created by
// apply and are not in this one, sorted by kind order and name.
func pruneSet(tx *store.Tx, sel labels.Selector, inRequest map[string]bool) ([]*v1alpha1.Object, error) {
	var doomed []*v1alpha1.Object
	for _, k := range v1alpha1.Kinds() {
		objs, err := tx.List(k.Kind)
		if err != nil {
			return nil, fmt.Errorf("list %s for prune: %w", k.Plural, err)
		}
		for _, o := range objs {
			_, applied := o.Metadata.Annotations[LastAppliedAnnotation]
			if applied && sel.Matches(o.Metadata.Labels) && !inRequest[o.Key()] {
				doomed = append(doomed, o)
			}
		}
	}
	return doomed, nil
}

// applyRefs checks the references of every document against the objects of
// this request and the store, minus what this apply prunes. All problems of
// all documents are reported together.
func applyRefs(tx *store.Tx, docs []manifest.Doc, desired []*v1alpha1.Object, inRequest map[string]bool, doomed []*v1alpha1.Object) error {
	pruned := make(map[string]bool, len(doomed))
	for _, o := range doomed {
		pruned[o.Key()] = true
	}
	stored := storedRef(tx)
	problem := func(kind, name string) (string, error) {
		key := kind + "/" + name
		switch {
		case inRequest[key]:
			return "", nil
		case pruned[key]:
			return fmt.Sprintf("%s %q is pruned by this apply", kind, name), nil
		}
		return stored(kind, name)
	}
	var bad manifest.Errors
	for i, o := range desired {
		errs, err := danglingRefs(o, problem)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			bad.Items = append(bad.Items, &v1alpha1.ValidationError{
				Source: docs[i].Source, Document: docs[i].Index, Kind: o.Kind, Name: o.Metadata.Name, Errors: errs,
			})
		}
	}
	if len(bad.Items) > 0 {
		return &bad
	}
	return nil
}

// withLastApplied returns what to store for an applied object: its user-owned
// fields plus LastAppliedAnnotation. The annotation is deterministic, so an
// unchanged manifest leaves the object unchanged.
func withLastApplied(obj *v1alpha1.Object) (*v1alpha1.Object, error) {
	annotations := maps.Clone(obj.Metadata.Annotations)
	delete(annotations, LastAppliedAnnotation)
	if len(annotations) == 0 {
		annotations = nil
	}
	o := &v1alpha1.Object{
		APIVersion: obj.APIVersion,
		Kind:       obj.Kind,
		Metadata:   v1alpha1.ObjectMeta{Name: obj.Metadata.Name, Labels: maps.Clone(obj.Metadata.Labels), Annotations: annotations},
		Spec:       obj.Spec,
	}
	b, err := json.Marshal(o)
	if err == nil {
		b, err = v1alpha1.Canonical(b)
	}
	if err != nil {
		return nil, fmt.Errorf("record last-applied of %s: %w", obj.Key(), err)
	}
	o = o.DeepCopy()
	if o.Metadata.Annotations == nil {
		o.Metadata.Annotations = map[string]string{}
	}
	o.Metadata.Annotations[LastAppliedAnnotation] = string(b)
	return o, nil
}
