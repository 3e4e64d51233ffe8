package station

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/store"

	"github.com/ocppgw/ocppgw/cel"
)

// recordingCommander stands in for the charger controller: it records
// every command and answers with refuse's error for a command it names.
type recordingCommander struct {
	mu     sync.Mutex
	calls  []string
	limits []string // "setCurrentLimit 16" and "start 16": the current each offered
	refuse map[string]error
	// limitAt is when the device last took a setCurrentLimit.
	limitAt time.Time
}

func (c *recordingCommander) Command(_ context.Context, charger, command string, connector int, args cel.Args) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	call := fmt.Sprintf("%s %s %d", charger, command, connector)
	if command == "setAvailable" {
		call += fmt.Sprintf(" %t", args.Available)
	}
	c.calls = append(c.calls, call)
	if c.refuse[command] == nil && (command == "setCurrentLimit" || command == "start") {
		c.limits = append(c.limits, fmt.Sprintf("%s %g", command, args.LimitA))
		if command == "setCurrentLimit" {
			c.limitAt = time.Now()
		}
	}
	return c.refuse[command]
}

// lastLimit is the current the device was last told to offer, "" if none.
func (c *recordingCommander) lastLimit() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.limits) == 0 {
		return ""
	}
	l := c.limits[len(c.limits)-1]
	return l[strings.LastIndexByte(l, ' ')+1:]
}

func (c *recordingCommander) setRefuse(command string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refuse == nil {
		c.refuse = map[string]error{}
	}
	c.refuse[command] = err
}

func (c *recordingCommander) log() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.calls...)
}

// devicesUp stands in for the charger controller in tests that run the
// station without devices: it reports each new charger's device reachable
// once, as the first good poll would, unless something reported on it
// already. (Without any report the station says nothing is known.)
func devicesUp(m *controllers.Manager, st *store.Store, _ *slog.Logger) error {
	m.Informer(Kind).AddHandler(func(ev v1alpha1.Event) {
		if ev.Type != v1alpha1.Added || ev.Object == nil {
			return
		}
		controllers.QueueStatusMerge(st, Kind, ev.Object.Metadata.Name, "charger-device", func(s *controllers.Status) error {
			if s.Condition("DeviceReachable") == nil {
				s.SetCondition(v1alpha1.Condition{Type: "DeviceReachable", Status: v1alpha1.ConditionTrue, Reason: "Polled"}, time.Now())
			}
			return nil
		})
	})
	return nil
}
