package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// chargerSpec is about the size of a real Charger spec.
const chargerSpec = `{"templateRef":"abb-terra-ac","connection":{"modbusTCP":{"host":"10.0.0.17","port":502,"unitId":1}},` +
	`"pollInterval":"1s","failureThreshold":3,"ocpp":{"stationId":"GW-0001","csmsRef":"main"},` +
	`"evses":[{"id":1,"connectors":[{"id":1,"type":"cType2"}]}]}`

func benchStore(b *testing.B, noSync bool) *Store {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{NoSync: noSync, CompactInterval: -1, WatchBuffer: 1 << 16, EncryptionKey: testKey, SealedKinds: v1alpha1.SealedKinds()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func reportOps(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkCreate measures a spec write with fsync, as the API does it.
func BenchmarkCreate(b *testing.B) {
	for _, noSync := range []bool{false, true} {
		b.Run(fmt.Sprintf("fsync=%v", !noSync), func(b *testing.B) {
			s := benchStore(b, noSync)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := s.Create(obj("Charger", "c"+strconv.Itoa(i), chargerSpec)); err != nil {
					b.Fatal(err)
				}
			}
			reportOps(b)
		})
	}
}

// secretSpec is about the size of a real basic-auth Secret.
const secretSpec = `{"type":"basic-auth","data":{"username":"GW-0001","password":"e3b0c44298fc1c149afbf4c8996fb924"}}`

// BenchmarkCreateSecret measures a Secret write, sealed for the objects
// bucket and the log, against the same bytes stored as an unsealed kind: the
// difference is the cost of sealing. No fsync, which would hide it
// (BenchmarkCreate has the fsync figures).
func BenchmarkCreateSecret(b *testing.B) {
	for _, kind := range []string{"Charger", "Secret"} {
		b.Run("sealed="+strconv.FormatBool(kind == "Secret"), func(b *testing.B) {
			s := benchStore(b, true)
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := s.Create(obj(kind, "s"+strconv.Itoa(i), secretSpec)); err != nil {
					b.Fatal(err)
				}
			}
			reportOps(b)
		})
	}
}

// BenchmarkSealOpen measures sealing and opening one Secret's JSON alone.
func BenchmarkSealOpen(b *testing.B) {
	sl, err := newSealer(testKey)
	if err != nil {
		b.Fatal(err)
	}
	plain := []byte(`{"apiVersion":"ocppgw.dev/v1alpha1","kind":"Secret","metadata":{"name":"csms"},"spec":` + secretSpec + `}`)
	b.ReportAllocs()
	for b.Loop() {
		v, err := sl.seal("Secret", "csms", plain)
		if err == nil {
			_, err = sl.open("Secret", "csms", v)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdate measures a spec change of an existing object, with fsync.
func BenchmarkUpdate(b *testing.B) {
	s := benchStore(b, false)
	s.Create(obj("Charger", "c", chargerSpec))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		spec := fmt.Sprintf(`{"templateRef":"t","pollInterval":"%dms"}`, i)
		if _, err := s.Update(obj("Charger", "c", spec)); err != nil {
			b.Fatal(err)
		}
	}
	reportOps(b)
}

// BenchmarkStatusWrite measures the poll path: 100 chargers queue a changed
// status each; one flush commits them. ns/op is per status write.
func BenchmarkStatusWrite(b *testing.B) {
	s := benchStore(b, false)
	const chargers = 100
	for i := range chargers {
		s.Create(obj("Charger", "c"+strconv.Itoa(i), chargerSpec))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.QueueStatus("Charger", "c"+strconv.Itoa(i%chargers), json.RawMessage(`{"signals":{"powerW":`+strconv.Itoa(i)+`}}`))
		if i%chargers == chargers-1 {
			if err := s.Flush(); err != nil {
				b.Fatal(err)
			}
		}
	}
	s.Flush()
	reportOps(b)
}

// BenchmarkWatchFanout measures one write delivered to N watchers. ns/op is
// per write, including every watcher receiving it.
func BenchmarkWatchFanout(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("watchers=%d", n), func(b *testing.B) {
			s := benchStore(b, true)
			s.Create(obj("Charger", "c", chargerSpec))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			recv := make(chan struct{}, n*1024)
			for range n {
				w, err := s.Watch(ctx, WatchOptions{Kind: "Charger", Revision: s.Revision()})
				if err != nil {
					b.Fatal(err)
				}
				go func() {
					for range w.Events() {
						recv <- struct{}{}
					}
				}()
			}
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				st := obj("Charger", "c", chargerSpec)
				st.Status = json.RawMessage(`{"n":` + strconv.Itoa(i) + `}`)
				if _, err := s.UpdateStatus(st); err != nil {
					b.Fatal(err)
				}
				for range n {
					<-recv
				}
			}
			reportOps(b)
		})
	}
}
