package csmsfault

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	if err := Check([]Fault{CallError, NoAnswer, Garbage, BadFrame, Close}); err != nil {
		t.Fatal(err)
	}
	if err := Check([]Fault{CallError, "explode"}); err == nil || !strings.Contains(err.Error(), `fault 1: unknown fault "explode"`) {
		t.Fatalf("Check: %v", err)
	}
}
