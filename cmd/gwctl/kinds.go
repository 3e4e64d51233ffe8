package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// resourceRef names the objects of one kind a command acts on; no names means
// every object of the kind.
type resourceRef struct {
	kind  v1alpha1.KindInfo
	names []string
}

// resolveKind accepts any form kubectl users type: Kind, singular, plural, short.
func resolveKind(s string) (v1alpha1.KindInfo, error) {
	if k, ok := v1alpha1.LookupKind(s); ok {
		return k, nil
	}
	return v1alpha1.KindInfo{}, localError("gwctl.unknownKind", "Kind", strconv.Quote(s), "Known", knownKinds())
}

func knownKinds() string {
	var names []string
	for _, k := range v1alpha1.Kinds() {
		names = append(names, k.Plural)
	}
	return strings.Join(names, ", ")
}

// parseResourceArgs reads "KIND[,KIND] [NAME...]" or "KIND/NAME..." as kubectl
// does. "all" stands for every kind when allowAll is set.
func parseResourceArgs(args []string, allowAll bool) ([]resourceRef, error) {
	if len(args) == 0 {
		return nil, localError("gwctl.noKind", "Known", knownKinds())
	}
	if strings.Contains(args[0], "/") {
		return parseSlashArgs(args)
	}
	var refs []resourceRef
	for _, s := range strings.Split(args[0], ",") {
		if allowAll && strings.EqualFold(s, "all") {
			// The scheme's "all" category: Tokens are access, not
			// configuration, and `get tokens` names them.
			for _, r := range v1alpha1.DefaultScheme().Kinds() {
				if r.InCategory("all") {
					refs = append(refs, resourceRef{kind: r.Info()})
				}
			}
			continue
		}
		k, err := resolveKind(s)
		if err != nil {
			return nil, err
		}
		refs = append(refs, resourceRef{kind: k})
	}
	if len(args) > 1 {
		if len(refs) != 1 {
			return nil, fmt.Errorf("names can only be given for a single resource type, not %q", args[0])
		}
		refs[0].names = args[1:]
	}
	return refs, nil
}

// parseSlashArgs groups "kind/name" arguments by kind, keeping first-seen order.
func parseSlashArgs(args []string) ([]resourceRef, error) {
	var refs []resourceRef
	index := map[string]int{}
	for _, a := range args {
		kindName, name, ok := strings.Cut(a, "/")
		if !ok || kindName == "" || name == "" {
			return nil, fmt.Errorf("argument %q: use KIND/NAME for every argument when one has that form", a)
		}
		k, err := resolveKind(kindName)
		if err != nil {
			return nil, err
		}
		i, seen := index[k.Kind]
		if !seen {
			i = len(refs)
			index[k.Kind] = i
			refs = append(refs, resourceRef{kind: k})
		}
		refs[i].names = append(refs[i].names, name)
	}
	return refs, nil
}

// resourceName is the "charger/ch-1" form that apply, delete and -o name print.
func resourceName(kind, name string) string {
	if k, ok := v1alpha1.LookupKind(kind); ok {
		return k.Singular + "/" + name
	}
	return strings.ToLower(kind) + "/" + name
}
