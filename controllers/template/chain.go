package template

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
)

// Kind is the resource kind this package reconciles.
const Kind = v1alpha1.KindTemplate

// Reasons of the Ready and Invalid conditions.
const (
	ReasonResolved       = "Resolved"
	ReasonParentNotFound = "ParentNotFound"
	ReasonExtendsCycle   = "ExtendsCycle"
	ReasonInvalidSpec    = "InvalidSpec"
)

// Extends returns spec.extends of a Template object.
func Extends(obj *v1alpha1.Object) (string, error) {
	var s v1alpha1.TemplateSpec
	if len(obj.Spec) == 0 {
		return "", nil
	}
	if err := json.Unmarshal(obj.Spec, &s); err != nil {
		return "", fmt.Errorf("template %q: decode spec: %w", obj.Metadata.Name, err)
	}
	return s.Extends, nil
}

// lookup returns a template's extends and whether the template exists.
type lookup func(name string) (extends string, found bool, err error)

// resolution is the outcome of following one template's extends chain.
type resolution struct {
	// chain lists the names visited from the template up, including the
	// missing parent or the repeated name that ended the walk.
	chain  []string
	reason string // "" when the chain is complete
	detail string // human message for reason
}

func (r resolution) ok() bool { return r.reason == "" }

// resolve follows name's extends chain until a template without extends, a
// missing template or a name seen before.
func resolve(get lookup, name string) resolution {
	var r resolution
	at := map[string]int{} // name → index in chain
	for cur := name; ; {
		ext, found, err := get(cur)
		if err != nil {
			r.chain = append(r.chain, cur)
			r.reason, r.detail = ReasonInvalidSpec, err.Error()
			return r
		}
		if !found {
			r.chain = append(r.chain, cur)
			r.reason = ReasonParentNotFound
			r.detail = fmt.Sprintf("parent template %q not found (chain: %s)", cur, arrow(r.chain))
			return r
		}
		at[cur] = len(r.chain)
		r.chain = append(r.chain, cur)
		if ext == "" {
			return r
		}
		if i, seen := at[ext]; seen {
			cycle := append(slices.Clone(r.chain[i:]), ext)
			r.chain = append(r.chain, ext)
			r.reason = ReasonExtendsCycle
			r.detail = "extends cycle: " + arrow(cycle)
			if i > 0 {
				r.detail += " (chain: " + arrow(r.chain) + ")"
			}
			return r
		}
		cur = ext
	}
}

func arrow(names []string) string { return strings.Join(names, " → ") }

// Getter finds a Template object by name: an informer's cache, or a store
// transaction at apply time.
type Getter func(name string) (*v1alpha1.Object, bool)

// lookupOf reads templates' extends through get.
func lookupOf(get Getter) lookup {
	return func(name string) (string, bool, error) {
		obj, ok := get(name)
		if !ok {
			return "", false, nil
		}
		ext, err := Extends(obj)
		return ext, true, err
	}
}

// Dependents returns name and the names of every cached template whose extends
// chain passes through name, sorted. name is included even when it does not
// exist, since what referred to it must learn that it is gone.
func Dependents(templates *controllers.Informer, name string) []string {
	all := templates.List()
	parent := make(map[string]string, len(all))
	for _, obj := range all {
		// A template whose spec does not decode has no usable parent link; its
		// own reconcile reports that.
		parent[obj.Metadata.Name], _ = Extends(obj)
	}
	out := []string{name}
	for _, obj := range all {
		if n := obj.Metadata.Name; n != name && passesThrough(parent, n, name) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// passesThrough reports whether from's chain reaches target, stopping at the
// end of the chain or a cycle.
func passesThrough(parent map[string]string, from, target string) bool {
	seen := map[string]bool{}
	for cur := from; cur != "" && !seen[cur]; cur = parent[cur] {
		if cur == target {
			return true
		}
		seen[cur] = true
	}
	return false
}

// Resolve returns the named template with its extends chain merged in
// (v1alpha1.MergeTemplate), root first, and the chain nearest first. It fails
// with the chain's problem when a parent is missing or the chain has a cycle.
func Resolve(templates *controllers.Informer, name string) (v1alpha1.TemplateSpec, []string, error) {
	return ResolveWith(templates.Get, name)
}

// ResolveWith is Resolve over any source of Template objects.
func ResolveWith(get Getter, name string) (v1alpha1.TemplateSpec, []string, error) {
	res := resolve(lookupOf(get), name)
	if !res.ok() {
		return v1alpha1.TemplateSpec{}, res.chain, fmt.Errorf("template %q: %s: %s", name, res.reason, res.detail)
	}
	var merged v1alpha1.TemplateSpec
	for i := len(res.chain) - 1; i >= 0; i-- {
		obj, ok := get(res.chain[i])
		if !ok {
			return v1alpha1.TemplateSpec{}, res.chain, fmt.Errorf("template %q: %s vanished while resolving", name, res.chain[i])
		}
		var s v1alpha1.TemplateSpec
		if err := json.Unmarshal(obj.Spec, &s); err != nil {
			return v1alpha1.TemplateSpec{}, res.chain, fmt.Errorf("template %q: decode spec: %w", res.chain[i], err)
		}
		merged = v1alpha1.MergeTemplate(merged, s)
	}
	return merged, res.chain, nil
}
