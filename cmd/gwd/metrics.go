package main

import (
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/ocppgw/ocppgw/store"
)

// storeStats reads the store's figures for each scrape of /metrics.
func storeStats(st *store.Store) func() metrics.StoreStats {
	return func() metrics.StoreStats {
		s := st.Stats()
		return metrics.StoreStats{Revision: s.Revision, CompactedRevision: s.CompactedRevision, Watchers: s.Watchers,
			Compactions: s.Compactions, SpaceInUseBytes: s.SpaceInUse}
	}
}
