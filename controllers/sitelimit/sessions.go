package sitelimit

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// sessionIndex holds, per charger, the sessions that want current: the
// Transactions that have not ended and whose authorization holds. A session
// held for authorization, or ended, wants none.
type sessionIndex struct {
	mu        sync.Mutex
	charger   map[string]string               // transaction name -> charger
	byCharger map[string]map[string]time.Time // charger -> transaction -> start
}

func newSessionIndex() *sessionIndex {
	return &sessionIndex{charger: map[string]string{}, byCharger: map[string]map[string]time.Time{}}
}

// handle is the Transaction informer's handler.
func (x *sessionIndex) handle(ev v1alpha1.Event) {
	name := ev.Object.Metadata.Name
	charger, start, wants := "", time.Time{}, false
	if ev.Type != v1alpha1.Deleted {
		charger, start, wants = wantsCurrent(ev.Object)
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if old, ok := x.charger[name]; ok {
		delete(x.charger, name)
		delete(x.byCharger[old], name)
		if len(x.byCharger[old]) == 0 {
			delete(x.byCharger, old)
		}
	}
	if !wants {
		return
	}
	x.charger[name] = charger
	if x.byCharger[charger] == nil {
		x.byCharger[charger] = map[string]time.Time{}
	}
	x.byCharger[charger][name] = start
}

// wantsCurrent reads a Transaction: its charger, when it started (zero when
// unreadable) and whether it wants current.
func wantsCurrent(obj *v1alpha1.Object) (charger string, start time.Time, wants bool) {
	var spec v1alpha1.TransactionSpec
	var status v1alpha1.TransactionStatus
	if json.Unmarshal(obj.Spec, &spec) != nil || len(obj.Status) == 0 || json.Unmarshal(obj.Status, &status) != nil {
		return "", time.Time{}, false
	}
	charger = obj.Metadata.Labels[v1alpha1.ChargerLabel]
	if charger == "" {
		charger = spec.ChargerRef
	}
	start, _ = time.Parse(time.RFC3339, spec.StartedAt)
	return charger, start, status.State == v1alpha1.TransactionActive && status.Authorized
}

// session reports whether charger has a session that wants current, and
// when the earliest such one started.
func (x *sessionIndex) session(charger string) (time.Time, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	var first time.Time
	for _, start := range x.byCharger[charger] {
		if first.IsZero() || start.Before(first) {
			first = start
		}
	}
	return first, len(x.byCharger[charger]) > 0
}
