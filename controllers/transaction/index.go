package transaction

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// session is what pruning needs to know of one Transaction, as of the
// resourceVersion it was read at.
type session struct {
	name            string
	resourceVersion string
	charger         string
	ended           bool
	// endedAt is zero when the status has none that parses.
	endedAt time.Time
	queued  int // outbox length
}

// summarize reads a session from its object. A status that does not decode
// reads as open, so it is never deleted.
func summarize(obj *v1alpha1.Object) session {
	s := session{name: obj.Metadata.Name, resourceVersion: obj.Metadata.ResourceVersion, charger: obj.Metadata.Labels[v1alpha1.ChargerLabel]}
	if s.charger == "" {
		var spec v1alpha1.TransactionSpec
		if json.Unmarshal(obj.Spec, &spec) == nil {
			s.charger = spec.ChargerRef
		}
	}
	var st v1alpha1.TransactionStatus
	if len(obj.Status) == 0 || json.Unmarshal(obj.Status, &st) != nil {
		return s
	}
	s.ended = st.State == v1alpha1.TransactionEnded
	s.queued = len(st.Outbox)
	if t, err := time.Parse(time.RFC3339, st.EndedAt); err == nil {
		s.endedAt = t
	}
	return s
}

// index holds every session by charger, kept current by the informer's
// events, so pruning one charger reads only that charger's sessions and
// decodes nothing.
type index struct {
	mu        sync.Mutex
	byName    map[string]session
	byCharger map[string]map[string]struct{}
}

func newIndex() *index {
	return &index{byName: map[string]session{}, byCharger: map[string]map[string]struct{}{}}
}

// handle is the informer handler.
func (x *index) handle(ev v1alpha1.Event) {
	name := ev.Object.Metadata.Name
	x.mu.Lock()
	defer x.mu.Unlock()
	if old, ok := x.byName[name]; ok {
		delete(x.byName, name)
		if set := x.byCharger[old.charger]; set != nil {
			delete(set, name)
			if len(set) == 0 {
				delete(x.byCharger, old.charger)
			}
		}
	}
	if ev.Type == v1alpha1.Deleted {
		return
	}
	s := summarize(ev.Object)
	x.byName[name] = s
	if x.byCharger[s.charger] == nil {
		x.byCharger[s.charger] = map[string]struct{}{}
	}
	x.byCharger[s.charger][name] = struct{}{}
}

// get returns the session called name.
func (x *index) get(name string) (session, bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	s, ok := x.byName[name]
	return s, ok
}

// ofCharger returns every session of charger, in no order.
func (x *index) ofCharger(charger string) []session {
	x.mu.Lock()
	defer x.mu.Unlock()
	out := make([]session, 0, len(x.byCharger[charger]))
	for name := range x.byCharger[charger] {
		out = append(out, x.byName[name])
	}
	return out
}
