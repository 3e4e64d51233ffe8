package client

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/ocppgw/ocppgw/internal/logging"
)

// LogLevels lists gwd's log levels: the default and each component's own.
func (c *Client) LogLevels(ctx context.Context) ([]logging.ComponentLevel, error) {
	var out []logging.ComponentLevel
	err := c.do(ctx, http.MethodGet, "/debug/loglevels", nil, nil, "", &out)
	return out, err
}

// SetLogLevel gives component its own level (trace, debug, info, warn or
// error) until gwd stops; "default" changes the default.
func (c *Client) SetLogLevel(ctx context.Context, component, level string) ([]logging.ComponentLevel, error) {
	body, err := json.Marshal(map[string]string{"level": level})
	if err != nil {
		return nil, err
	}
	var out []logging.ComponentLevel
	err = c.do(ctx, http.MethodPut, "/debug/loglevels/"+strings.Trim(component, "/"), nil, body, "application/json", &out)
	return out, err
}

// ResetLogLevel drops component's own level.
func (c *Client) ResetLogLevel(ctx context.Context, component string) ([]logging.ComponentLevel, error) {
	var out []logging.ComponentLevel
	err := c.do(ctx, http.MethodDelete, "/debug/loglevels/"+strings.Trim(component, "/"), nil, nil, "", &out)
	return out, err
}
