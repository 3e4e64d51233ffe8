package station

import (
	"context"
	"fmt"
	"sync"

	"github.com/ocppgw/ocppgw/cel"
)

// recordingCommander stands in for the charger controller: it records
// every command and answers with refuse's error for a command it names.
type recordingCommander struct {
	mu     sync.Mutex
	calls  []string
	refuse map[string]error
}

func (c *recordingCommander) Command(_ context.Context, charger, command string, connector int, args cel.Args) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	call := fmt.Sprintf("%s %s %d", charger, command, connector)
	if command == "setAvailable" {
		call += fmt.Sprintf(" %t", args.Available)
	}
	c.calls = append(c.calls, call)
	return c.refuse[command]
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
