package store

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
)

// chargerSpec is about the size of a real Charger spec.
const chargerSpec = `{"templateRef":"abb-terra-ac","connection":{"modbusTCP":{"host":"10.0.0.17","port":502,"unitId":1}},` +
	`"pollInterval":"1s","failureThreshold":3,"ocpp":{"stationId":"GW-0001","csmsRef":"main"},` +
	`"evses":[{"id":1,"connectors":[{"id":1,"type":"cType2"}]}]}`

func benchStore(b *testing.B, noSync bool) *Store {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{NoSync: noSync, CompactInterval: -1, WatchBuffer: 1 << 16})
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
