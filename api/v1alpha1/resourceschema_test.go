package v1alpha1

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

// BenchmarkBuildSchemas measures what the first admission pays once per
// process: generating every kind's schema from its types and compiling it.
//
//	go test -run '^$' -bench BuildSchemas -benchmem ./api/v1alpha1/
func BenchmarkBuildSchemas(b *testing.B) {
	for b.Loop() {
		if _, err := buildSchemas(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/build")
}

// TestEveryKindHasASchema checks each registered kind generates a schema
// fixing its apiVersion and kind, requiring metadata, and leaving status
// optional.
func TestEveryKindHasASchema(t *testing.T) {
	for _, r := range scheme.Kinds() {
		b, ok := ResourceSchema(r.Kind)
		if !ok {
			t.Fatalf("%s has no schema", r.Kind)
		}
		var doc struct {
			ID         string                    `json:"$id"`
			Required   []string                  `json:"required"`
			Properties map[string]map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		req := strings.Join(doc.Required, ",")
		if doc.ID != SchemaURL(r.Kind) || !strings.HasPrefix(req, "apiVersion,kind,metadata") || strings.Contains(req, "status") ||
			doc.Properties["kind"]["const"] != r.Kind {
			t.Errorf("%s: $id %s, required %s, kind %s", r.Kind, doc.ID, req, doc.Properties["kind"])
		}
	}
	if _, ok := ResourceSchema("Widget"); ok {
		t.Error("schema for an unregistered kind")
	}
}

// BenchmarkSchemaHeap reports the heap the compiled schemas keep alive,
// which every gwd pays.
//
//	go test -run '^$' -bench SchemaHeap ./api/v1alpha1/
func BenchmarkSchemaHeap(b *testing.B) {
	var kept []*resourceSchemas
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for b.Loop() {
		s, err := buildSchemas()
		if err != nil {
			b.Fatal(err)
		}
		kept = append(kept, s)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(len(kept))/1024, "KiB-kept/build")
	runtime.KeepAlive(kept)
}

// BenchmarkAdmitCharger measures one admission, structure checked by the
// generated schema:
//
//	go test -run '^$' -bench AdmitCharger -benchmem ./api/v1alpha1/
func BenchmarkAdmitCharger(b *testing.B) {
	spec := json.RawMessage(`{"templateRef":"abb","connection":{"modbusTCP":{"host":"10.0.0.5","port":502}},"pollInterval":"1s",
		"ocpp":{"csmsRef":"main","stationId":"st-1","variables":[{"component":"OCPPCommCtrlr","variable":"HeartbeatInterval","value":300}]},
		"evses":[{"id":1,"connectors":[{"id":1,"type":"cType2"}]}]}`)
	o := &Object{APIVersion: APIVersion, Kind: KindCharger, Metadata: ObjectMeta{Name: "c"}}
	for b.Loop() {
		o.Spec = spec
		if err := Admit(o); err != nil {
			b.Fatal(err)
		}
	}
}
