package memcheck

import "testing"

var sink []byte

// TestAllocatedCountsTheCall: a call that allocates 8 MiB is measured at
// 8 MiB or more, and one that allocates nothing at far less.
func TestAllocatedCountsTheCall(t *testing.T) {
	if n := Allocated(func() { sink = make([]byte, 8<<20) }); n < 8<<20 {
		t.Errorf("an 8 MiB allocation measured %d bytes", n)
	}
	if n := Allocated(func() {}); n >= 1<<20 {
		t.Errorf("an empty call measured %d bytes", n)
	}
}
