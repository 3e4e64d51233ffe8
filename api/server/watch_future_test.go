package server

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// A client resuming at a revision the store never reached (the store was
// restored from a backup, or started again with --init) must not wait in
// silence for events that will never come: it gets 410 and lists again.
func TestWatchFromFutureRevisionIsGone(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.create(busNamed("a"))
	future := strconv.FormatInt(e.st.Revision()+5, 10)
	_, err := e.c.Watch(ctx(t), "Bus", client.WatchOptions{ResourceVersion: future})
	st := statusOf(t, err)
	if !client.IsGone(err) || st.Code != 410 || st.Reason != v1alpha1.ReasonGone ||
		!strings.Contains(st.Message, "too large resource version") || !strings.Contains(st.Message, future) {
		t.Fatalf("status = %+v", st)
	}
	// The current revision itself is a valid start.
	w, err := e.c.Watch(ctx(t), "Bus", client.WatchOptions{ResourceVersion: strconv.FormatInt(e.st.Revision(), 10)})
	if err != nil {
		t.Fatalf("watch from the current revision: %v", err)
	}
	w.Stop()
}
