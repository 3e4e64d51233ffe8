package manifest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/internal/memcheck"
)

// nestedJSON is depth objects nested under keys of keyLen bytes: the shape
// that took gwd to 1.5 GB at 810 KB when each level kept its full path.
func nestedJSON(depth, keyLen int) []byte {
	k := `{"` + strings.Repeat("k", keyLen) + `":`
	return []byte(strings.Repeat(k, depth) + "1" + strings.Repeat("}", depth))
}

// aliasYAML is a Secret whose spec aliases a string of size bytes n times:
// 2 MB aliased 1300 times became 2.6 GB of JSON.
func aliasYAML(size, n int) []byte {
	return []byte("apiVersion: ocppgw.dev/v1alpha1\nkind: Secret\nmetadata:\n  name: s\nspec:\n  a: &a \"" +
		strings.Repeat("x", size) + "\"\n  b: [" + strings.Repeat("*a, ", n) + "*a]\n")
}

// allocated is the bytes f allocates, whether or not they are still live.
var allocated = memcheck.Allocated

// boundAlloc is the allocation a decode of n bytes may take: a small
// multiple of the input plus what admitting a few objects costs.
func boundAlloc(n int) uint64 { return 16*uint64(n) + 32<<20 }

func wantLimit(t *testing.T, err error, limit string) *LimitError {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != limit {
		t.Fatalf("got %T %v, want a *LimitError for %s", err, err, limit)
	}
	if !strings.Contains(err.Error(), limit) {
		t.Fatalf("message %q does not name the limit %s", err, limit)
	}
	return le
}

func TestDecodeLimits(t *testing.T) {
	bigKey := fmt.Sprintf(`{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"s"},"spec":{"data":{%q:"x"}}}`, strings.Repeat("k", MaxKeyBytes+1))
	cases := []struct {
		name  string
		data  []byte
		limit string
	}{
		{"nested JSON with long keys", nestedJSON(8000, 100), LimitDepth},
		{"nested YAML", []byte(strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)), LimitDepth},
		{"YAML alias of a 2 MB string", aliasYAML(2<<20, 1300), LimitExpansion},
		{"long JSON key", []byte(bigKey), LimitKeyBytes},
		{"long YAML key", []byte("spec:\n  ? " + strings.Repeat("k", MaxKeyBytes+1) + "\n  : 1\n"), LimitKeyBytes},
		{"too many YAML documents", []byte(strings.Repeat("---\n", MaxDocuments+1)), LimitDocuments},
		{"too many JSON documents", []byte(strings.Repeat("{}", MaxDocuments+1)), LimitDocuments},
		{"many tiny YAML values", []byte("a: [" + strings.Repeat("1,", MaxNodes) + "1]\n"), LimitNodes},
		{"many tiny JSON values", []byte(`{"a":[` + strings.Repeat("1,", MaxNodes) + "1]}"), LimitNodes},
		{"too big", []byte(strings.Repeat("#", MaxSourceBytes+1)), LimitBytes},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = Decode("bad.yaml", c.data) })
			le := wantLimit(t, err, c.limit)
			if le.Source != "bad.yaml" || !strings.HasPrefix(err.Error(), "bad.yaml") {
				t.Errorf("error %q does not name the source", err)
			}
			t.Logf("%d bytes in, %d allocated: %v", len(c.data), n, err)
			if n > boundAlloc(len(c.data)) {
				t.Errorf("decoding %d bytes allocated %d, over %d", len(c.data), n, boundAlloc(len(c.data)))
			}
		})
	}
}

// TestAliasWithinBudget keeps aliases that share a block of settings
// working: the budget is a multiple of the document, plus a slack.
func TestAliasWithinBudget(t *testing.T) {
	doc := "apiVersion: ocppgw.dev/v1alpha1\nkind: Secret\nmetadata:\n  name: s\nspec:\n  data:\n    a: &a " + strings.Repeat("x", 1000) + "\n"
	for i := range 100 {
		doc += fmt.Sprintf("    k%d: *a\n", i)
	}
	docs, err := Decode("ok.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(docs[0].Object.Spec), `"k99":"xxx`) {
		t.Fatalf("alias not expanded: %.200s", docs[0].Object.Spec)
	}
}

func TestInvalidUTF8RefusedOnEveryPath(t *testing.T) {
	good := fmt.Sprintf(`{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"s"},"spec":{"data":{"password":%q}}}`, "ok")
	bad := strings.Replace(good, "ok", "o\xffk", 1)
	badYAML := strings.Replace(fmt.Sprintf(secretDoc, "s"), "pw", "p\xc3w", 1)
	for _, in := range []string{bad, "\n" + bad, badYAML} {
		_, err := Decode("f.json", []byte(in))
		var ee *EncodingError
		if !errors.As(err, &ee) || ee.Source != "f.json" || ee.Line < 1 || in[ee.Offset] < 0x80 {
			t.Fatalf("Decode: got %T %v, want an *EncodingError at the bad byte", err, err)
		}
		if _, err := ToJSON([]byte(in)); !errors.As(err, &ee) {
			t.Fatalf("ToJSON: got %T %v, want an *EncodingError", err, err)
		}
	}
	if _, err := Decode("f.json", []byte(good)); err != nil {
		t.Fatal(err)
	}
}

func TestToJSONLimits(t *testing.T) {
	var err error
	in := aliasYAML(2<<20, 1300)
	n := allocated(func() { _, err = ToJSON(in) })
	wantLimit(t, err, LimitExpansion)
	if n > boundAlloc(len(in)) {
		t.Errorf("ToJSON of %d bytes allocated %d", len(in), n)
	}
	_, err = ToJSON(nestedJSON(8000, 100))
	wantLimit(t, err, LimitDepth)
}

func TestReadFilesLimits(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := write("big.yaml", []byte(strings.Repeat("#", MaxSourceBytes+10)))
	_, err := ReadFiles([]string{big}, false, nil)
	if le := wantLimit(t, err, LimitBytes); le.Source != big {
		t.Errorf("error names %q, not %s", le.Source, big)
	}
	_, err = ReadFiles([]string{"-"}, false, strings.NewReader(string(aliasYAML(2<<20, 1300))))
	if le := wantLimit(t, err, LimitExpansion); le.Source != "<stdin>" || le.Document != 1 {
		t.Errorf("error is not located: %+v", le)
	}
	os.Remove(big)
	chunk := []byte(strings.Repeat("#", MaxSourceBytes))
	for i := range MaxTotalBytes/MaxSourceBytes + 1 {
		write(fmt.Sprintf("c%d.yaml", i), chunk)
	}
	_, err = ReadFiles([]string{dir}, false, nil)
	wantLimit(t, err, LimitTotalBytes)
}

// TestErrorsPerDocumentCapped: a document of many bad values yields a
// report of bounded size, not one many times the input.
func TestErrorsPerDocumentCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"s"},"spec":{"data":{`)
	for i := range 5000 {
		fmt.Fprintf(&b, `"k%d":1,`, i)
	}
	b.WriteString(`"z":1}}}`)
	_, err := Decode("x.json", []byte(b.String()))
	var errs *Errors
	if !errors.As(err, &errs) || len(errs.Items) != 1 {
		t.Fatalf("got %v", err)
	}
	fes := errs.Items[0].Errors
	if len(fes) != maxDocErrors+1 || !strings.Contains(fes[maxDocErrors].Reason, "and 4901 more problems") {
		t.Fatalf("%d errors, last %+v", len(fes), fes[len(fes)-1])
	}
}

// TestDuplicateKeyPath: the path is joined only for the error, and still
// names where the key repeats.
func TestDuplicateKeyPath(t *testing.T) {
	err := checkDuplicateKeys([]byte(`{"spec":{"evses":[{"id":1},{"id":2,"id":3}]}}`))
	if err == nil || err.Error() != `duplicate key "id" in spec.evses[1]` {
		t.Fatalf("got %v", err)
	}
}
