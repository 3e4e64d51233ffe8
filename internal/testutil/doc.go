// Package testutil holds what the tests of every package share: a buffer
// several goroutines may write, a bounded poll for a condition, free
// loopback ports, and a goroutine leak check for a package's TestMain.
// Only test files import it.
package testutil
