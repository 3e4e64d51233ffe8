package controllers

import (
	"slices"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// IndexFunc returns the values under which an object is found in one index
// (client-go's Indexer). typed is the object's Go type when the informer has
// a Lister and the object decodes, nil otherwise. It runs in the informer,
// once per event, under the cache's lock: it must be quick and must not call
// back into the informer.
type IndexFunc func(obj *v1alpha1.Object, typed any) []string

// IndexReferences is the index of the objects' forward references, as
// v1alpha1.References lists them, under RefKey(kind, name) of the object
// referred to. Looking a referred object up in it answers "who names this",
// the reverse reference.
const IndexReferences = "references"

// RefKey is the value under which IndexReferences files a reference.
func RefKey(kind, name string) string { return kind + "/" + name }

func indexReferences(obj *v1alpha1.Object, _ any) []string {
	refs := v1alpha1.References(obj)
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, RefKey(r.Kind, r.Name))
	}
	return out
}

// LabelIndex files objects under the value of their label key; objects
// without it are in no entry.
func LabelIndex(key string) IndexFunc {
	return func(obj *v1alpha1.Object, _ any) []string {
		if v, ok := obj.Metadata.Labels[key]; ok {
			return []string{v}
		}
		return nil
	}
}

// AddIndex adds an index called name, filling it from what is cached. Adding
// the same name twice keeps the first. It may be called while the informer
// runs, though usually it is called at setup.
func (i *Informer) AddIndex(name string, fn IndexFunc) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if _, ok := i.indexers[name]; ok {
		return
	}
	i.indexers[name] = fn
	idx := map[string]map[string]struct{}{}
	i.indices[name] = idx
	for n, e := range i.items {
		vals := fn(e.obj, e.typed)
		if e.keys == nil {
			e.keys = map[string][]string{}
		}
		e.keys[name] = vals
		for _, v := range vals {
			addTo(idx, v, n)
		}
	}
}

// IndexReferences makes the informer keep IndexReferences.
func (i *Informer) IndexReferences() *Informer {
	i.AddIndex(IndexReferences, indexReferences)
	return i
}

// ByIndex returns the names of the cached objects filed under value in the
// index called name, sorted. An index not added reads as empty.
func (i *Informer) ByIndex(name, value string) []string {
	i.mu.RLock()
	set := i.indices[name][value]
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	i.mu.RUnlock()
	slices.Sort(out)
	return out
}

// Referrers returns the names of the cached objects that name the object
// kind/name (IndexReferences, which must have been asked for), sorted.
func (i *Informer) Referrers(kind, name string) []string {
	return i.ByIndex(IndexReferences, RefKey(kind, name))
}

// reindexLocked moves name from old's index values to cur's, computing
// cur's; either may be nil (created, deleted).
func (i *Informer) reindexLocked(name string, old, cur *entry) {
	if cur != nil && cur != old && len(i.indexers) > 0 {
		cur.keys = make(map[string][]string, len(i.indexers))
	}
	for index, fn := range i.indexers {
		idx := i.indices[index]
		var before, after []string
		if old != nil {
			before = old.keys[index]
		}
		if cur != nil {
			if cur != old {
				cur.keys[index] = fn(cur.obj, cur.typed)
			}
			after = cur.keys[index]
		}
		for _, v := range before {
			if !slices.Contains(after, v) {
				removeFrom(idx, v, name)
			}
		}
		for _, v := range after {
			addTo(idx, v, name)
		}
	}
}

func addTo(idx map[string]map[string]struct{}, value, name string) {
	set := idx[value]
	if set == nil {
		set = map[string]struct{}{}
		idx[value] = set
	}
	set[name] = struct{}{}
}

func removeFrom(idx map[string]map[string]struct{}, value, name string) {
	if set := idx[value]; set != nil {
		delete(set, name)
		if len(set) == 0 {
			delete(idx, value)
		}
	}
}
