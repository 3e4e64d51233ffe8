package rpc

import (
	"context"
	"fmt"

	"github.com/ocppgw/ocppgw/internal/logging"
)

// trace logs a frame at TRACE level, secrets redacted, when the Conn's
// logger has TRACE on for this station (`gwctl log-level ocpp/<id> trace`).
// With it off, a frame costs one level check. Which fields are secret
// depends on the OCPP version's messages, so Options.Redact decides;
// without it only the frame's size is logged, never its content.
func (c *Conn) trace(dir string, frame []byte) {
	if !c.opts.Logger.Enabled(context.Background(), logging.LevelTrace) {
		return
	}
	shown := fmt.Sprintf("<%d bytes; no Redact configured>", len(frame))
	if c.opts.Redact != nil {
		shown = string(c.opts.Redact(frame))
	}
	c.opts.Logger.Log(context.Background(), logging.LevelTrace, "ocpp frame", "dir", dir, "frame", shown)
}
