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

// NewLister returns the typed lister of m's shared Template informer, which
// keeps the reverse references that Dependents follows.
func NewLister(m *controllers.Manager) *controllers.Lister[v1alpha1.Template] {
	l := controllers.ListerFor[v1alpha1.Template](m)
	l.Informer().IndexReferences()
	return l
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

// specGetter finds a template's spec by name; err says it does not decode.
type specGetter func(name string) (spec *v1alpha1.TemplateSpec, found bool, err error)

// rawSpecs decodes the specs get finds.
func rawSpecs(get Getter) specGetter {
	return func(name string) (*v1alpha1.TemplateSpec, bool, error) {
		obj, ok := get(name)
		if !ok {
			return nil, false, nil
		}
		var s v1alpha1.TemplateSpec
		if len(obj.Spec) > 0 {
			if err := json.Unmarshal(obj.Spec, &s); err != nil {
				return nil, true, fmt.Errorf("template %q: decode spec: %w", name, err)
			}
		}
		return &s, true, nil
	}
}

// cachedSpecs reads the specs a lister holds, decoded already.
func cachedSpecs(templates *controllers.Lister[v1alpha1.Template]) specGetter {
	return func(name string) (*v1alpha1.TemplateSpec, bool, error) {
		t, ok, err := templates.Get(name)
		if err != nil {
			return nil, true, fmt.Errorf("template %q: %w", name, err)
		}
		if !ok {
			return nil, false, nil
		}
		return &t.Spec, true, nil
	}
}

// lookupOf reads templates' extends through get.
func lookupOf(get specGetter) lookup {
	return func(name string) (string, bool, error) {
		s, ok, err := get(name)
		if err != nil || !ok {
			return "", ok, err
		}
		return s.Extends, true, nil
	}
}

// Dependents returns name and the names of every cached template whose extends
// chain passes through name, sorted. name is included even when it does not
// exist, since what referred to it must learn that it is gone. It walks the
// informer's reverse references (NewLister keeps them), so it costs a map
// lookup per dependent, whatever the number of templates. A template whose
// spec does not decode has no usable parent link; its own reconcile reports
// that.
func Dependents(templates *controllers.Informer, name string) []string {
	out := []string{name}
	seen := map[string]bool{name: true}
	for i := 0; i < len(out); i++ {
		for _, child := range templates.Referrers(Kind, out[i]) {
			if !seen[child] {
				seen[child] = true
				out = append(out, child)
			}
		}
	}
	slices.Sort(out)
	return out
}

// UsedBy returns the objects of refs (an informer keeping IndexReferences,
// such as the Chargers') that name, by reference, the template name or one
// whose extends chain passes through it, sorted: map lookups, whatever the
// number of objects and templates.
func UsedBy(refs, templates *controllers.Informer, name string) []string {
	var out []string
	for _, t := range Dependents(templates, name) {
		out = append(out, refs.Referrers(Kind, t)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Resolve returns the named template with its extends chain merged in
// (v1alpha1.MergeTemplate), root first, and the chain nearest first. It fails
// with the chain's problem when a parent is missing or the chain has a cycle.
func Resolve(templates *controllers.Lister[v1alpha1.Template], name string) (v1alpha1.TemplateSpec, []string, error) {
	return resolveSpecs(cachedSpecs(templates), name)
}

// ResolveWith is Resolve over any source of Template objects.
func ResolveWith(get Getter, name string) (v1alpha1.TemplateSpec, []string, error) {
	return resolveSpecs(rawSpecs(get), name)
}

func resolveSpecs(get specGetter, name string) (v1alpha1.TemplateSpec, []string, error) {
	res := resolve(lookupOf(get), name)
	if !res.ok() {
		return v1alpha1.TemplateSpec{}, res.chain, fmt.Errorf("template %q: %s: %s", name, res.reason, res.detail)
	}
	var merged v1alpha1.TemplateSpec
	for i := len(res.chain) - 1; i >= 0; i-- {
		s, ok, err := get(res.chain[i])
		if err != nil {
			return v1alpha1.TemplateSpec{}, res.chain, err
		}
		if !ok {
			return v1alpha1.TemplateSpec{}, res.chain, fmt.Errorf("template %q: %s vanished while resolving", name, res.chain[i])
		}
		merged = v1alpha1.MergeTemplate(merged, *s)
	}
	return merged, res.chain, nil
}
