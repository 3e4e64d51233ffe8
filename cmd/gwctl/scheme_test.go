package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TestGwctlServesTheScheme walks every registered kind and checks what gwctl
// does with it: every name resolves to the kind, "all" is the "all"
// category, the columns are the declared ones in order, and every computed
// column has a function (and no function is left for a column the scheme
// dropped).
func TestGwctlServesTheScheme(t *testing.T) {
	all, err := parseResourceArgs([]string{"all"}, true)
	if err != nil {
		t.Fatal(err)
	}
	var inAll []string
	for _, r := range all {
		inAll = append(inAll, r.kind.Kind)
	}
	for _, r := range v1alpha1.DefaultScheme().Kinds() {
		for _, name := range append([]string{r.Kind, strings.ToUpper(r.Plural), r.Singular, r.Plural}, r.Short...) {
			if k, err := resolveKind(name); err != nil || k.Kind != r.Kind {
				t.Errorf("resolveKind(%q) = %v, %v; want %s", name, k.Kind, err, r.Kind)
			}
		}
		if got := slices.Contains(inAll, r.Kind); got != r.InCategory("all") {
			t.Errorf("%s: in `get all` = %v, registered in category all = %v", r.Kind, got, r.InCategory("all"))
		}
		if got := resourceName(r.Kind, "x"); got != r.Singular+"/x" {
			t.Errorf("resourceName(%s) = %q", r.Kind, got)
		}
		var narrow, wide []string
		for _, c := range r.Columns {
			if c.JSONPath == "" && computedColumns[r.Kind][c.Header] == nil {
				t.Errorf("%s column %s is computed but gwctl has no function for it", r.Kind, c.Header)
			}
			if c.Wide {
				wide = append(wide, c.Header)
			} else {
				narrow = append(narrow, c.Header)
			}
		}
		if got := headerOf(columnsFor(r.Kind, false)); !slices.Equal(got, narrow) {
			t.Errorf("%s columns = %v, scheme says %v", r.Kind, got, narrow)
		}
		if got := headerOf(columnsFor(r.Kind, true)); !slices.Equal(got, append(narrow, wide...)) {
			t.Errorf("%s wide columns = %v, scheme says %v", r.Kind, got, append(narrow, wide...))
		}
	}
	for kind, funcs := range computedColumns {
		r, ok := v1alpha1.DefaultScheme().ByKind(kind)
		if !ok {
			t.Errorf("computed columns for unregistered kind %s", kind)
			continue
		}
		for header := range funcs {
			if !slices.ContainsFunc(r.Columns, func(c v1alpha1.Column) bool { return c.Header == header && c.JSONPath == "" }) {
				t.Errorf("%s: gwctl computes column %s, which the scheme does not declare as computed", kind, header)
			}
		}
	}
}
