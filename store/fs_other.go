//go:build !linux

package store

// fsAvailable is unknown off Linux: only the quota bounds the store there.
func fsAvailable(string) int64 { return -1 }

// checkUnlocked is not checked off Linux.
func checkUnlocked(string) error { return nil }
