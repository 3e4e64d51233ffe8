package v1alpha1

import (
	"fmt"
	"reflect"
	"strings"
)

// Scope says where the objects of a kind live. gwd has no namespaces, so
// every kind is cluster-wide; the field is there so that clients need not
// assume it.
type Scope string

// ScopeCluster is the scope of every kind this API version serves.
const ScopeCluster Scope = "Cluster"

// Column is one printer column of a kind, like a CRD's
// additionalPrinterColumns entry. A column with a JSONPath shows the value
// there; one without is computed by the client from its Header (gwctl keeps
// a function per such column, and a test holds both sides to the scheme).
type Column struct {
	Header string
	// JSONPath is ".spec.x.y", ".status.x" or ".metadata.name"; empty for a
	// computed column.
	JSONPath string
	// Type "date" shows a timestamp as an age, as kubectl does.
	Type string
	// Wide columns appear only with -o wide, after the others.
	Wide bool
	// ObjectName marks the column holding the object's name, which reads
	// "kind/name" when one listing mixes kinds.
	ObjectName bool
}

// RefPath declares one place where a kind names another object. Path is a
// dotted field path into the object: "*" matches every member of an object
// (in key order) and a "[*]" suffix every element of an array, e.g.
// "spec.connection.*.busRef" or "spec.chargers.names[*]".
type RefPath struct {
	Path string
	Kind string
}

// Registration is everything the gateway knows about one kind, declared once
// and read by the API server, gwctl, the store options and the controllers.
// Defaulting and validation are the SetDefaults and Validate methods of the
// spec type, which Register requires.
type Registration struct {
	Kind     string   // a Kind constant, e.g. KindCharger
	Singular string   // "charger"
	Plural   string   // "chargers", also the REST path segment
	Short    []string // "ch"
	// Title says what an object of the kind is, in one line: the title of
	// its JSON Schema, which editors show.
	Title string
	Scope Scope
	// Type is the typed view (Charger): a struct with APIVersion, Kind,
	// Metadata, Spec and Status fields.
	Type reflect.Type
	// Categories group kinds for clients, as CRD categories do: "all" is
	// what `gwctl get all` lists.
	Categories []string
	// OperatorWrites: an operator may create, update and delete objects of
	// the kind; otherwise only an admin may.
	OperatorWrites bool
	// Sealed kinds hold secrets: the store seals their objects at rest.
	Sealed bool
	// Redacted are the field paths (as in RefPath) whose values the API
	// and gwctl never show; the keys stay, so a reader sees which exist.
	Redacted []string
	// Columns are the whole row `gwctl get` prints, in order.
	Columns []Column
	// References are the forward references, in the order References lists
	// them.
	References []RefPath
}

// SpecType is the Go type of the kind's spec.
func (r *Registration) SpecType() reflect.Type { return fieldType(r.Type, "Spec") }

// StatusType is the Go type of the kind's status.
func (r *Registration) StatusType() reflect.Type { return fieldType(r.Type, "Status") }

// InCategory reports whether the kind belongs to category c.
func (r *Registration) InCategory(c string) bool {
	for _, x := range r.Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Info is the naming part of the registration.
func (r *Registration) Info() KindInfo {
	return KindInfo{Kind: r.Kind, Singular: r.Singular, Plural: r.Plural, Short: append([]string(nil), r.Short...)}
}

func (r *Registration) newSpec() spec { return reflect.New(r.SpecType()).Interface().(spec) }

func fieldType(t reflect.Type, name string) reflect.Type {
	f, ok := t.FieldByName(name)
	if !ok {
		return nil
	}
	return f.Type
}

// Scheme is the registry of kinds: what apimachinery's runtime.Scheme is to
// Kubernetes, without versions or conversion (there is one version).
type Scheme struct {
	regs   []*Registration
	byKind map[string]*Registration
	byType map[reflect.Type]*Registration
	byName map[string]*Registration // every lower-case name a user may type
}

// NewScheme returns an empty scheme.
func NewScheme() *Scheme {
	return &Scheme{byKind: map[string]*Registration{}, byType: map[reflect.Type]*Registration{}, byName: map[string]*Registration{}}
}

// Register adds one kind. A registration that is incomplete or clashes with
// one already made is a programming error and panics, as apimachinery's
// AddKnownTypes does. Register from an init function only: the scheme is
// read without locks, and the resource schemas are generated from it once,
// at first use.
func (s *Scheme) Register(r Registration) {
	if err := s.check(&r); err != nil {
		panic(fmt.Sprintf("v1alpha1: register %s: %v", r.Kind, err))
	}
	reg := &r
	s.regs = append(s.regs, reg)
	s.byKind[r.Kind] = reg
	s.byType[r.Type] = reg
	for _, n := range reg.names() {
		s.byName[n] = reg
	}
}

func (r *Registration) names() []string {
	return append([]string{strings.ToLower(r.Kind), r.Singular, r.Plural}, r.Short...)
}

func (s *Scheme) check(r *Registration) error {
	if r.Kind == "" || r.Singular == "" || r.Plural == "" || r.Type == nil {
		return fmt.Errorf("kind, singular, plural and type are required")
	}
	if r.Scope != ScopeCluster {
		return fmt.Errorf("scope %q is not served", r.Scope)
	}
	if r.Type.Kind() != reflect.Struct {
		return fmt.Errorf("type %s is not a struct", r.Type)
	}
	for _, f := range []string{"APIVersion", "Kind", "Metadata", "Spec", "Status"} {
		if fieldType(r.Type, f) == nil {
			return fmt.Errorf("type %s has no field %s", r.Type, f)
		}
	}
	if !reflect.PointerTo(r.SpecType()).Implements(reflect.TypeFor[spec]()) {
		return fmt.Errorf("spec type %s has no SetDefaults and Validate", r.SpecType())
	}
	if _, dup := s.byType[r.Type]; dup {
		return fmt.Errorf("type %s is registered already", r.Type)
	}
	for _, n := range r.names() {
		if other, dup := s.byName[n]; dup {
			return fmt.Errorf("name %q is taken by %s", n, other.Kind)
		}
	}
	for _, ref := range r.References {
		if !strings.HasPrefix(ref.Path, "spec.") || ref.Kind == "" {
			return fmt.Errorf("reference %+v must name a kind and a path under spec", ref)
		}
	}
	for _, p := range r.Redacted {
		if !strings.HasPrefix(p, "spec.") {
			return fmt.Errorf("redacted path %q is not under spec", p)
		}
	}
	return nil
}

// Kinds returns every registration in registration order, which is the order
// `gwctl get all` prints them in. The registrations must not be modified.
func (s *Scheme) Kinds() []*Registration { return append([]*Registration(nil), s.regs...) }

// ByKind returns the registration of an exact Kind name.
func (s *Scheme) ByKind(kind string) (*Registration, bool) {
	r, ok := s.byKind[kind]
	return r, ok
}

// ByType returns the registration whose typed view is t.
func (s *Scheme) ByType(t reflect.Type) (*Registration, bool) {
	r, ok := s.byType[t]
	return r, ok
}

// Lookup finds a kind by its Kind, singular, plural or short name, ignoring
// case.
func (s *Scheme) Lookup(name string) (*Registration, bool) {
	r, ok := s.byName[strings.ToLower(name)]
	return r, ok
}

// scheme holds the kinds of this API version; register.go fills it.
var scheme = NewScheme()

// DefaultScheme returns the scheme of this API version's kinds.
func DefaultScheme() *Scheme { return scheme }
