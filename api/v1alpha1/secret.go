package v1alpha1

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
)

// Secret holds passwords and keys for other objects to reference.
type Secret struct {
	APIVersion string       `json:"apiVersion"`
	Kind       string       `json:"kind"`
	Metadata   ObjectMeta   `json:"metadata"`
	Spec       SecretSpec   `json:"spec" schema:"optional"`
	Status     SecretStatus `json:"status"`
}

// The Secret types, named as in Kubernetes where they overlap.
const (
	SecretOpaque    = "Opaque"
	SecretBasicAuth = "basic-auth"
	SecretTLS       = "tls"
)

// SecretSpec is the secret's data, plain strings in the API.
type SecretSpec struct {
	// Type is Opaque, basic-auth (needs "password") or tls (needs "tls.crt"
	// and "tls.key"). Default Opaque.
	Type string            `json:"type,omitempty" schema:"enum=secretType"`
	Data map[string]string `json:"data,omitempty" schema:"keys.is=secretKey"`
}

// SecretStatus is empty but for the common part.
type SecretStatus struct {
	CommonStatus
}

var secretKeyRE = regexp.MustCompile(`^[-._a-zA-Z0-9]{1,253}$`)

// SetDefaults fills what the operator left out.
func (s *SecretSpec) SetDefaults(*ObjectMeta) {
	defaultString(&s.Type, SecretOpaque)
}

// Validate returns every problem with a defaulted spec.
func (s *SecretSpec) Validate(*ObjectMeta) []FieldError {
	var errs fieldErrors
	p := FieldPath("spec")
	checkEnum(&errs, p.Key("type"), s.Type, []string{SecretOpaque, SecretBasicAuth, SecretTLS})
	for _, k := range slices.Sorted(maps.Keys(s.Data)) {
		if !secretKeyRE.MatchString(k) {
			errs.add(p.Key("data").Key(k), fmt.Sprintf("key %q must be letters, digits, '-', '_' or '.'", k))
		}
	}
	var need []string
	switch s.Type {
	case SecretBasicAuth:
		need = []string{"password"}
	case SecretTLS:
		need = []string{"tls.crt", "tls.key"}
	}
	for _, k := range need {
		if _, ok := s.Data[k]; !ok {
			errs.add(p.Key("data").Key(k), fmt.Sprintf("a %s secret needs key %q", s.Type, k))
		}
	}
	return errs
}

// SealedKinds returns the kinds whose objects hold secrets: gwd has the
// store seal them at rest (store.Options.SealedKinds).
// It lists the kinds registered Sealed.
func SealedKinds() []string {
	var out []string
	for _, r := range scheme.Kinds() {
		if r.Sealed {
			out = append(out, r.Kind)
		}
	}
	return out
}
