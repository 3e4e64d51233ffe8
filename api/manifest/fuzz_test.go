package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// fuzzAllocBound is what decoding n bytes may allocate in all, garbage
// included: a parsed value costs a few hundred bytes however short its
// text, and the constant covers what admitting objects and YAML aliases
// within AliasExpansionSlack cost. An input that allocates more than this
// found a way around the limits.
func fuzzAllocBound(n int) uint64 { return 300*uint64(n) + 48<<20 }

// FuzzDecode checks that no input makes Decode panic, that it returns
// either documents or an error (an *Errors, a *LimitError or an
// *EncodingError), never both, and that its allocation stays bounded.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(chargerDoc))
	f.Add([]byte(fmt.Sprintf(secretDoc, "a") + "---\n" + fmt.Sprintf(secretDoc, "b")))
	f.Add([]byte(`{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"a"}}{"kind":1}`))
	f.Add([]byte("---\n--- x\n...\nkind: [\n\ta: &x *y\n"))
	f.Add([]byte(`{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Charger","metadata":{"name":"c"},"spec":{"templateRef":"t","connection":{"echonet":{"address":"::1","eoj":"0x02A101"}},"evses":[{"id":2}],"ocpp":{"csmsRef":"m","variables":[{"component":"c","variable":"v","value":1,"evse":{"id":9}}]}}}`))
	f.Add([]byte("apiVersion: ocppgw.dev/v1alpha1\nkind: ChargingProfile\nmetadata: {name: p}\nspec: {chargerRef: c, id: 1, stackLevel: 0, chargingProfilePurpose: TxProfile, chargingProfileKind: Absolute, chargingSchedule: [{id: 1, chargingRateUnit: A, chargingSchedulePeriod: [{startPeriod: 0, limit: 6.55}]}]}\n"))
	f.Add([]byte("a: &a \"xxxxxxxxxxxxxxxx\"\nb: [*a, *a, *a, *a]\n"))
	f.Add([]byte(`{"k":{"k":{"k":[[[{"k":1}]]]}}}`))
	f.Add([]byte("a: \xff\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var docs []Doc
		var err error
		if n := allocated(func() { docs, err = Decode("fuzz.yaml", data) }); n > fuzzAllocBound(len(data)) {
			t.Fatalf("decoding %d bytes allocated %d, over %d", len(data), n, fuzzAllocBound(len(data)))
		}
		var le *LimitError
		var ee *EncodingError
		if errors.As(err, &le) || errors.As(err, &ee) {
			if docs != nil || !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("limit error %v not located, or with docs", err)
			}
			return
		}
		if err != nil {
			var errs *Errors
			if !errors.As(err, &errs) || len(errs.Items) == 0 {
				t.Fatalf("error %T %v is not a non-empty *Errors", err, err)
			}
			if docs != nil {
				t.Fatal("docs returned with an error")
			}
			for _, it := range errs.Items {
				if it.Source != "fuzz.yaml" || it.Document < 1 || len(it.Errors) == 0 {
					t.Fatalf("badly located error: %+v", it)
				}
			}
			return
		}
		for _, d := range docs {
			if d.Object == nil || d.Index < 1 {
				t.Fatalf("bad doc %+v", d)
			}
		}
	})
}

// FuzzToJSON checks the converter of POST and PUT bodies: no panic, valid
// JSON or an error, and bounded allocation.
func FuzzToJSON(f *testing.F) {
	f.Add([]byte(chargerDoc))
	f.Add([]byte("a: &a \"xxxxxxxxxxxxxxxx\"\nb: [*a, *a, *a, *a]\n"))
	f.Add([]byte(`{"k":{"k":{"k":[[[{"k":1}]]]}}}`))
	f.Add([]byte("{\"a\": \"\xc3\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var js []byte
		var err error
		if n := allocated(func() { js, err = ToJSON(data) }); n > fuzzAllocBound(len(data)) {
			t.Fatalf("converting %d bytes allocated %d, over %d", len(data), n, fuzzAllocBound(len(data)))
		}
		if err == nil && !json.Valid(js) {
			t.Fatalf("not JSON: %q", js)
		}
		if err == nil && len(js) > AliasExpansionFactor*len(data)+AliasExpansionSlack+16 {
			t.Fatalf("%d bytes became %d bytes of JSON", len(data), len(js))
		}
	})
}
