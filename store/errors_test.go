package store

import (
	"errors"
	"fmt"
	"testing"
)

// TestErrorsCarryTheirDetail: a store error is its sentinel to errors.Is
// and gives its explanation without the sentinel's words, also when
// wrapped, so the API never slices message strings.
func TestErrorsCarryTheirDetail(t *testing.T) {
	s, _ := openTest(t, Options{})
	_, err := s.Get("Charger", "missing")
	wrapped := fmt.Errorf("apply: %w", err)
	if !errors.Is(wrapped, ErrNotFound) || Detail(wrapped) != `Charger "missing"` {
		t.Errorf("not found: Is=%v Detail=%q", errors.Is(wrapped, ErrNotFound), Detail(wrapped))
	}
	c, _ := s.Create(obj("Charger", "c", `{}`))
	c.Metadata.ResourceVersion = "1"
	if _, err := s.Create(obj("Charger", "d", `{}`)); err != nil {
		t.Fatal(err)
	}
	c2, _ := s.Get("Charger", "c")
	c2.Metadata.ResourceVersion = "999"
	_, err = s.Update(c2)
	if !errors.Is(err, ErrConflict) || Detail(err) != `Charger "c": resourceVersion 999 is stale (current 1)` {
		t.Errorf("conflict: %v / %q", err, Detail(err))
	}
	if Detail(errors.New("plain")) != "plain" {
		t.Error("Detail of a foreign error")
	}
}
