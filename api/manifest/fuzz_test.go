package manifest

import (
	"errors"
	"fmt"
	"testing"
)

// FuzzDecode checks that no input makes Decode panic, and that it returns
// either documents or an *Errors, never both.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(chargerDoc))
	f.Add([]byte(fmt.Sprintf(secretDoc, "a") + "---\n" + fmt.Sprintf(secretDoc, "b")))
	f.Add([]byte(`{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"a"}}{"kind":1}`))
	f.Add([]byte("---\n--- x\n...\nkind: [\n\ta: &x *y\n"))
	f.Add([]byte(`{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Charger","metadata":{"name":"c"},"spec":{"templateRef":"t","connection":{"echonet":{"address":"::1","eoj":"0x02A101"}},"evses":[{"id":2}],"ocpp":{"csmsRef":"m","variables":[{"component":"c","variable":"v","value":1,"evse":{"id":9}}]}}}`))
	f.Add([]byte("apiVersion: ocppgw.dev/v1alpha1\nkind: ChargingProfile\nmetadata: {name: p}\nspec: {chargerRef: c, id: 1, stackLevel: 0, chargingProfilePurpose: TxProfile, chargingProfileKind: Absolute, chargingSchedule: [{id: 1, chargingRateUnit: A, chargingSchedulePeriod: [{startPeriod: 0, limit: 6.55}]}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, err := Decode("fuzz.yaml", data)
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
