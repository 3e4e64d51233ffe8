package goe

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"cel.dev/cel-go/common/types"

	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers"
)

func typesString(s string) types.String { return types.String(s) }

// FuzzDecodeObject: any body decodes to one JSON object or fails as
// malformed; it never panics and never yields half a document.
func FuzzDecodeObject(f *testing.F) {
	for _, s := range []string{`{"car":2,"nrg":[1,2]}`, `[]`, `{"a":`, `{} {}`, `null`, "{\"x\":\"\xff\"}", `{"a":1e999}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		obj, err := decodeObject(body)
		if err != nil {
			if !errors.Is(err, drivers.ErrMalformed) || obj != nil {
				t.Fatalf("error %v with %v", err, obj)
			}
			return
		}
		trimmed := bytes.TrimSpace(body)
		if obj == nil || !json.Valid(trimmed) || trimmed[0] != '{' {
			t.Fatalf("accepted %q as %v", body, obj)
		}
		_ = bounded(&cel.Input{Data: obj}) // must not panic on any document
		if len(obj) <= MaxKeys && len(body) < maxValueLen && !bounded(&cel.Input{Data: flatOnly(obj)}) {
			t.Fatalf("a short flat answer %q is out of the declared sizes", body)
		}
	})
}

// flatOnly keeps the members that are scalars or lists of scalars.
func flatOnly(obj map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		if len(k) > maxKeyLen {
			continue
		}
		switch x := v.(type) {
		case map[string]any:
			continue
		case []any:
			if slicesHasContainer(x) {
				continue
			}
		}
		out[k] = v
	}
	return out
}

func slicesHasContainer(l []any) bool {
	for _, e := range l {
		switch e.(type) {
		case []any, map[string]any:
			return true
		}
	}
	return false
}
