package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// TestServerAndStoreServeTheScheme walks every registered kind and checks
// the API and the store against it: discovery lists it with its names,
// scope and categories in order; its plural is a served collection that
// authorizes as the kind; an operator may write it exactly when it is
// registered OperatorWrites; a value at each registered Redacted path
// never reads back through the API; and the store, opened with the scheme's sealed
// kinds as gwd opens it, seals its objects at rest exactly when it is
// registered Sealed.
func TestServerAndStoreServeTheScheme(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	code, _, raw := e.raw("GET", prefix, "", "")
	var d discovery
	if err := json.Unmarshal(raw, &d); code != 200 || err != nil {
		t.Fatalf("discovery = %d %s", code, raw)
	}
	regs := v1alpha1.DefaultScheme().Kinds()
	if len(d.Kinds) != len(regs) {
		t.Fatalf("discovery has %d kinds, scheme %d", len(d.Kinds), len(regs))
	}
	for i, r := range regs {
		got := d.Kinds[i]
		if got.Kind != r.Kind || got.Singular != r.Singular || got.Plural != r.Plural || !slices.Equal(got.ShortNames, r.Short) ||
			got.Scope != string(r.Scope) || !slices.Equal(got.Categories, r.Categories) {
			t.Errorf("discovery[%d] = %+v, scheme %+v", i, got, *r)
		}
		if code, _, body := e.raw("GET", prefix+"/"+r.Plural, "", ""); code != http.StatusOK {
			t.Errorf("GET %s = %d %s", r.Plural, code, body)
		}
		req, _ := http.NewRequest("POST", prefix+"/"+r.Plural, nil)
		if a := objectAttributes("POST", []string{r.Plural}, req); a.resource != r.Kind || a.verb != auth.Create {
			t.Errorf("POST %s authorizes as %+v", r.Plural, a)
		}
		if got := auth.Allowed(v1alpha1.RoleOperator, auth.Create, r.Kind); got != r.OperatorWrites {
			t.Errorf("operator may create %s: %v, registered OperatorWrites %v", r.Kind, got, r.OperatorWrites)
		}
		if _, err := e.st.Create(&v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: r.Kind,
			Metadata: v1alpha1.ObjectMeta{Name: "probe"}, Spec: specWithValues(t, r.Redacted, "plain-probe-value")}); err != nil {
			t.Fatalf("store %s: %v", r.Kind, err)
		}
		read, err := e.c.Get(ctx(t), r.Kind, "probe")
		if err != nil {
			t.Fatal(err)
		}
		shown := strings.Contains(string(read.Spec), "plain-probe-value")
		if redacted := strings.Contains(string(read.Spec), `\u003credacted\u003e`); shown || redacted != (len(r.Redacted) > 0) {
			t.Errorf("%s with redacted paths %v reads back %s", r.Kind, r.Redacted, read.Spec)
		}
	}
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	checkSealedAtRest(t, e.path, regs)
}

// checkSealedAtRest reads the closed store's file and checks each kind's
// "probe" object is sealed exactly when the kind is registered Sealed.
func checkSealedAtRest(t *testing.T, path string, regs []*v1alpha1.Registration) {
	t.Helper()
	db, err := bolt.Open(filepath.Clean(path), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		objects := tx.Bucket([]byte("objects"))
		for _, r := range regs {
			v := objects.Bucket([]byte(r.Kind)).Get([]byte("probe"))
			if sealed := bytes.HasPrefix(v, []byte("ocppgw-enc:")); sealed != r.Sealed {
				t.Errorf("%s stored sealed = %v, registered Sealed %v", r.Kind, sealed, r.Sealed)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// specWithValues builds a spec holding value at every path ("*" becomes one
// member "k", "[*]" a one-element list); with no paths, an empty spec.
func specWithValues(t *testing.T, paths []string, value string) json.RawMessage {
	t.Helper()
	spec := map[string]any{}
	for _, p := range paths {
		cur := spec
		steps := strings.Split(strings.TrimPrefix(p, "spec."), ".")
		for i, step := range steps {
			name, list := strings.CutSuffix(step, "[*]")
			if name == "*" {
				name = "k"
			}
			var leaf any = value
			next := map[string]any{}
			if i < len(steps)-1 {
				leaf = next
			}
			if list {
				leaf = []any{leaf}
			}
			cur[name] = leaf
			cur = next
		}
	}
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
