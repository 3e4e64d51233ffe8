package v1alpha1

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/ocppgw/ocppgw/api/labels"
)

// Name rules follow Kubernetes so that names and labels survive a round trip
// through kubectl-shaped tooling.
var (
	dns1123LabelRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

// maxAnnotationsSize bounds the annotations of one object, as Kubernetes does.
const maxAnnotationsSize = 256 * 1024

// NameProblem returns why name is not a DNS-1123 label, or "" if it is one.
func NameProblem(name string) string {
	switch {
	case name == "":
		return "must not be empty"
	case len(name) > 63:
		return fmt.Sprintf("must be at most 63 characters, got %d", len(name))
	case !dns1123LabelRE.MatchString(name):
		return fmt.Sprintf("%q is not a DNS-1123 label: use lowercase letters, digits and '-', starting and ending with a letter or digit", name)
	}
	return ""
}

// validateMeta checks the user-owned metadata of an object.
func validateMeta(errs *fieldErrors, m *ObjectMeta) {
	p := FieldPath("metadata")
	if r := NameProblem(m.Name); r != "" {
		errs.add(p.Key("name"), r)
	}
	for _, k := range slices.Sorted(maps.Keys(m.Labels)) {
		if r := labels.KeyProblem(k); r != "" {
			errs.add(p.Key("labels").Key(k), r)
		}
		if r := labels.ValueProblem(m.Labels[k]); r != "" {
			errs.add(p.Key("labels").Key(k), r)
		}
	}
	size := 0
	for _, k := range slices.Sorted(maps.Keys(m.Annotations)) {
		size += len(k) + len(m.Annotations[k])
		if r := labels.KeyProblem(k); r != "" {
			errs.add(p.Key("annotations").Key(k), r)
		}
	}
	if size > maxAnnotationsSize {
		errs.add(p.Key("annotations"), fmt.Sprintf("total size must be at most %d bytes, got %d", maxAnnotationsSize, size))
	}
}

// DerivedName is the name of an object the gateway derives from others
// (a CSMS profile of a charger, a charger's share of a site limit): base
// followed by suffix when that is a DNS-1123 label short enough and base
// is not ambiguous, else base cut short and followed by a digest of key,
// which must identify the object (it tells apart bases cut alike).
func DerivedName(base, suffix, key string, ambiguous bool) string {
	if !ambiguous && len(base)+len(suffix) <= 63 && NameProblem(base+suffix) == "" {
		return base + suffix
	}
	sum := sha256.Sum256([]byte(key))
	digest := "-" + hex.EncodeToString(sum[:5])
	base = strings.TrimRight(base[:min(len(base), 63-len(suffix)-len(digest))], "-")
	return base + digest + suffix
}
