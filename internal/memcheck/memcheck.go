package memcheck

import "runtime"

// Allocated returns the bytes f allocates, garbage included. Allocation by
// other goroutines meanwhile counts too, so callers bound it generously.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
