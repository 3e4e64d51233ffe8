package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ocppgw/ocppgw/api/audit"
)

// Audit reads the newest audit records, oldest first: at most limit (0:
// the server's default), of user only when user is not "".
func (c *Client) Audit(ctx context.Context, limit int, user string) ([]audit.Record, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if user != "" {
		q.Set("user", user)
	}
	var out []audit.Record
	err := c.do(ctx, http.MethodGet, "/debug/audit", q, nil, "", &out)
	return out, err
}
