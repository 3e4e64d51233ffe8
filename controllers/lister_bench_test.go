package controllers

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// BenchmarkListerGet compares the two contracts a typed cache can keep for
// one Charger with two connectors of signals: "shared" hands out the value
// decoded when the event arrived (the Lister's read-only contract);
// "copyOnRead" hands out a private copy, which for a typed view means a
// copy of the stored object and a decode (what every reader paid before).
//
//	go test -run '^$' -bench BenchmarkListerGet ./controllers/
func BenchmarkListerGet(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), "state.db"), store.Options{NoSync: true, CompactInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	obj := newObj(v1alpha1.KindCharger, "ch1", map[string]any{"templateRef": "abb",
		"connection": map[string]any{"modbusTCP": map[string]any{"host": "10.0.0.1", "port": 502}},
		"evses":      []any{map[string]any{"id": 1, "connectors": []any{map[string]any{"id": 1, "type": "cType2"}}}}})
	obj, err = st.Create(obj)
	if err != nil {
		b.Fatal(err)
	}
	signals := map[string]any{"powerW": 7200.5, "energyWh": 123456.0, "currentA1": 10.2, "currentA2": 10.1,
		"currentA3": 10.3, "voltageV1": 230.1, "evConnected": true, "charging": true, "faulted": false}
	status, _ := json.Marshal(map[string]any{"observedGeneration": 1,
		"connectors": []any{map[string]any{"evseId": 1, "connectorId": 1, "signals": signals},
			map[string]any{"evseId": 2, "connectorId": 1, "signals": signals}}})
	obj.Status = status
	if _, err := st.UpdateStatus(obj); err != nil {
		b.Fatal(err)
	}
	inf := NewInformer(st, v1alpha1.KindCharger, nil)
	l := NewLister[v1alpha1.Charger](inf)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go inf.Run(ctx)
	select {
	case <-inf.Synced():
	case <-time.After(waitTimeout):
		b.Fatal("informer did not sync")
	}
	b.Run("shared", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if ch, _, err := l.Get("ch1"); err != nil || len(ch.Status.Connectors) != 2 {
				b.Fatal(err)
			}
		}
	})
	b.Run("copyOnRead", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			obj, _ := inf.Get("ch1")
			if ch, err := v1alpha1.DecodeCharger(obj); err != nil || len(ch.Status.Connectors) != 2 {
				b.Fatal(err)
			}
		}
	})
}
