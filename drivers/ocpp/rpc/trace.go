package rpc

import (
	"context"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/internal/logging"
)

// trace logs a frame at TRACE level, secrets redacted, when the Conn's
// logger has TRACE on for this station (`gwctl log-level ocpp/<id> trace`).
// With it off, a frame costs one level check.
func (c *Conn) trace(dir string, frame []byte) {
	if !c.opts.Logger.Enabled(context.Background(), logging.LevelTrace) {
		return
	}
	c.opts.Logger.Log(context.Background(), logging.LevelTrace, "ocpp frame", "dir", dir, "frame", string(ocpp.RedactFrame(frame)))
}
