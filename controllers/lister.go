package controllers

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/ocppgw/ocppgw/api/labels"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Lister reads the objects of one kind from a shared Informer as their Go
// type T (a typed view of api/v1alpha1, such as v1alpha1.Charger), like
// sample-controller's listers over controller-runtime's cache.
//
// Each object is decoded once, when its event reaches the informer, and
// every reader gets that same value. The objects a Lister returns are
// therefore read-only: a caller that wants to change one works on a copy
// (v1alpha1.Encode and Decode, or a copy of the part it changes). Sharing is
// what makes a read cost a map lookup instead of a decode of the whole
// object (BenchmarkListerGet compares both).
//
// An object that does not decode stays in the cache and in its indexes:
// Get returns its *DecodeError, so the controller that reconciles it can
// report it, and List leaves it out and says so in its error.
type Lister[T any] struct {
	inf *Informer
}

// DecodeError says that a cached object does not decode into its Go type.
type DecodeError struct {
	Kind, Name string
	Err        error
}

func (e *DecodeError) Error() string { return e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

// NewLister returns a Lister of inf's objects as T, which must be the typed
// view of inf's kind. From now on inf decodes every object into T; an
// informer decodes into one type only, so a second Lister of another type
// panics.
func NewLister[T any](inf *Informer) *Lister[T] {
	kind := kindOf[T]()
	if kind != inf.kind {
		panic(fmt.Sprintf("controllers: a Lister of %s cannot read the %s informer", reflect.TypeFor[T](), inf.kind))
	}
	inf.setDecoder(reflect.TypeFor[T]().String(), func(o *v1alpha1.Object) (any, error) {
		t, err := v1alpha1.Decode[T](o)
		if err != nil {
			return nil, &DecodeError{Kind: o.Kind, Name: o.Metadata.Name, Err: err}
		}
		return t, nil
	})
	return &Lister[T]{inf: inf}
}

// ListerFor returns a Lister of T over m's shared informer of T's kind.
func ListerFor[T any](m *Manager) *Lister[T] {
	return NewLister[T](m.Informer(kindOf[T]()))
}

// kindOf is the kind whose typed view T is; Encode fills it in.
func kindOf[T any]() string {
	o, err := v1alpha1.Encode(new(T))
	if err != nil {
		panic(fmt.Sprintf("controllers: %s is not a resource kind: %v", reflect.TypeFor[T](), err))
	}
	return o.Kind
}

// Informer returns the informer the Lister reads.
func (l *Lister[T]) Informer() *Informer { return l.inf }

// Get returns the object called name. found is false when the cache has no
// such object; err is its *DecodeError when it does not decode.
func (l *Lister[T]) Get(name string) (obj *T, found bool, err error) {
	l.inf.mu.RLock()
	e, ok := l.inf.items[name]
	l.inf.mu.RUnlock()
	if !ok {
		return nil, false, nil
	}
	if e.err != nil {
		return nil, true, e.err
	}
	return e.typed.(*T), true, nil
}

// List returns the objects whose labels sel matches (labels.Everything()),
// sorted by name. Objects that do not decode are left out; err joins their
// *DecodeErrors.
func (l *Lister[T]) List(sel labels.Selector) ([]*T, error) {
	l.inf.stats.lists.Add(1)
	type named struct {
		name string
		obj  *T
	}
	var found []named
	var errs []error
	l.inf.mu.RLock()
	for name, e := range l.inf.items {
		if !sel.Matches(e.obj.Metadata.Labels) {
			continue
		}
		if e.err != nil {
			errs = append(errs, e.err)
			continue
		}
		found = append(found, named{name, e.typed.(*T)})
	}
	l.inf.mu.RUnlock()
	slices.SortFunc(found, func(a, b named) int { return strings.Compare(a.name, b.name) })
	out := make([]*T, len(found))
	for i, f := range found {
		out[i] = f.obj
	}
	return out, errors.Join(errs...)
}

// setDecoder makes the informer decode every object with decode, starting
// with those it holds, and refiles them in its indexes.
func (i *Informer) setDecoder(typeName string, decode func(*v1alpha1.Object) (any, error)) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.decode != nil {
		if i.typeName != typeName {
			panic(fmt.Sprintf("controllers: the %s informer decodes into %s, not %s", i.kind, i.typeName, typeName))
		}
		return
	}
	i.decode, i.typeName = decode, typeName
	for name, e := range i.items {
		next := &entry{obj: e.obj}
		i.decodeLocked(next)
		i.items[name] = next
		i.reindexLocked(name, e, next)
	}
}

// TypedIndex adapts fn over T to an IndexFunc: objects that do not decode
// are filed nowhere.
func TypedIndex[T any](fn func(*T) []string) IndexFunc {
	return func(_ *v1alpha1.Object, typed any) []string {
		t, ok := typed.(*T)
		if !ok {
			return nil
		}
		return fn(t)
	}
}
