package charger

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/fixture"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/store"
)

// BenchmarkTemplateEvent is the handler work of one Template event: finding
// the chargers whose template chain passes through the changed template.
// "listDecode" is the handler before the typed cache (a copy of it below):
// it lists every Template and every Charger and decodes their specs.
// "index" follows the reverse references the informers keep. Each charger
// count builds one store and runs both in the same process.
//
//	go test -run '^$' -bench BenchmarkTemplateEvent -benchtime 200x ./controllers/charger/
func BenchmarkTemplateEvent(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		chargers, templates := templateEventCaches(b, n)
		want := template.UsedBy(chargers, templates, "base")
		if len(want) != usersOfBase {
			b.Fatalf("%d chargers use base, want %d", len(want), usersOfBase)
		}
		if got := listDecodeChargersUsing(chargers, templates, "base"); !slices.Equal(got, want) {
			b.Fatalf("the two paths disagree: %d and %d chargers", len(got), len(want))
		}
		for _, path := range []struct {
			name string
			fn   func() []string
		}{
			{"listDecode", func() []string { return listDecodeChargersUsing(chargers, templates, "base") }},
			{"index", func() []string { return template.UsedBy(chargers, templates, "base") }},
		} {
			b.Run(fmt.Sprintf("chargers=%d/%s", n, path.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					path.fn()
				}
				b.ReportMetric(float64(len(want)), "chargers/event")
			})
		}
	}
}

// usersOfBase is how many chargers use "model", which extends "base",
// whatever their total: the event's answer stays the same size, so what
// grows with the total is the cost of finding it.
const usersOfBase = 10

// templateEventCaches stores n chargers, usersOfBase of them on "model"
// and the rest on "other", and returns synced Charger and Template
// informers keeping reverse references.
func templateEventCaches(b *testing.B, n int) (chargers, templates *controllers.Informer) {
	key := make([]byte, store.KeySize)
	rand.Read(key)
	st, err := store.Open(filepath.Join(b.TempDir(), "state.db"), store.Options{NoSync: true, CompactInterval: -1,
		WatchBuffer: 2 * n, EncryptionKey: key, SealedKinds: v1alpha1.SealedKinds()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	err = st.Txn(false, func(tx *store.Tx) error {
		for name, ext := range map[string]string{"base": "", "model": "base", "other": ""} {
			if _, err := tx.Create(fixture.Object(template.Kind, name, tplSpec{Extends: ext})); err != nil {
				return err
			}
		}
		for i := range n {
			tpl := "other"
			if i%(n/usersOfBase) == 0 {
				tpl = "model"
			}
			if _, err := tx.Create(fixture.Object(Kind, fmt.Sprintf("ch%05d", i), rtuSpec(tpl, "bus1"))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	chargers = controllers.NewInformer(st, Kind, nil).IndexReferences()
	templates = controllers.NewInformer(st, template.Kind, nil).IndexReferences()
	for _, inf := range []*controllers.Informer{chargers, templates} {
		go inf.Run(ctx)
		select {
		case <-inf.Synced():
		case <-time.After(time.Minute):
			b.Fatalf("%s informer did not sync", inf.Kind())
		}
	}
	return chargers, templates
}

// listDecodeChargersUsing is chargersUsing and template.Dependents as they
// were before the typed cache, kept as the benchmark's baseline.
func listDecodeChargersUsing(chargers, templates *controllers.Informer, name string) []string {
	all := templates.List()
	parent := make(map[string]string, len(all))
	for _, obj := range all {
		var s v1alpha1.TemplateSpec
		_ = json.Unmarshal(obj.Spec, &s)
		parent[obj.Metadata.Name] = s.Extends
	}
	affected := []string{name}
	for _, obj := range all {
		if n := obj.Metadata.Name; n != name && passesThrough(parent, n, name) {
			affected = append(affected, n)
		}
	}
	slices.Sort(affected)
	var out []string
	for _, ch := range chargers.List() {
		var sp v1alpha1.ChargerSpec
		if json.Unmarshal(ch.Spec, &sp) != nil {
			continue
		}
		if _, found := slices.BinarySearch(affected, sp.TemplateRef); found {
			out = append(out, ch.Metadata.Name)
		}
	}
	return out
}

func passesThrough(parent map[string]string, from, target string) bool {
	seen := map[string]bool{}
	for cur := from; cur != "" && !seen[cur]; cur = parent[cur] {
		if cur == target {
			return true
		}
		seen[cur] = true
	}
	return false
}

// BenchmarkReconcilesPerStatusWrite counts the charger controller's
// reconciles per status write of another owner (a station's status.ocpp).
// "unfiltered" wires the controller as before event filters (every change
// of its kind enqueues); "filtered" is the controller as set up now. Each
// write waits for the cache and the queue to settle, so that writes are not
// merged in the queue; ns/op includes that wait.
//
//	go test -run '^$' -bench BenchmarkReconcilesPerStatusWrite -benchtime 50x ./controllers/charger/
func BenchmarkReconcilesPerStatusWrite(b *testing.B) {
	for _, mode := range []string{"unfiltered", "filtered"} {
		b.Run(mode, func(b *testing.B) {
			f := fixture.New(b, template.Setup(template.Options{}), func(m *controllers.Manager, st *store.Store, _ *slog.Logger) error {
				if err := Setup(Options{})(m, st, nil); err != nil {
					return err
				}
				if mode == "unfiltered" {
					for _, c := range m.Controllers() {
						if c.Name() == "charger" {
							c.For(func(controllers.Change) bool { return true })
						}
					}
				}
				return nil
			})
			f.Create(template.Kind, "t", tplSpec{})
			f.Create(Kind, "ch1", chSpec{TemplateRef: "t"})
			f.WaitCondition(Kind, "ch1", ConditionTemplateReady, v1alpha1.ConditionTrue, ReasonTemplateReady)
			f.Settle()
			c := f.Controller("charger")
			inf := f.Manager.Informer(Kind)
			before := c.Stats().Reconciles
			writes := 0
			for b.Loop() {
				wrote := otherOwnerWrite(b, f.Store, "ch1", writes)
				writes++
				// One write at a time, as a station's come: wait until the
				// cache shows it and the controller is idle again.
				deadline := time.Now().Add(fixture.Timeout)
				for {
					obj, _ := inf.Get("ch1")
					s := c.Stats()
					if obj.Metadata.ResourceVersion == wrote.Metadata.ResourceVersion && s.Queued+s.Processing == 0 {
						break
					}
					if time.Now().After(deadline) {
						b.Fatalf("status write %d never settled", writes)
					}
					runtime.Gosched()
				}
			}
			b.StopTimer()
			f.Settle()
			b.ReportMetric(float64(c.Stats().Reconciles-before)/float64(writes), "reconciles/statuswrite")
		})
	}
}
