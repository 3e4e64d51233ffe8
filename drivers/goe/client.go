package goe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/drivers"
)

// MaxAnswer bounds the body of one answer. A filtered status of MaxKeys
// keys is a few KiB; anything larger is not an answer to our question.
const MaxAnswer = 64 << 10

// client speaks the API to one charger.
type client struct {
	base    string // scheme://host[:port], no trailing slash
	http    *http.Client
	timeout time.Duration
}

// status asks for keys and returns the answer's members. An error wraps
// drivers.ErrTimeout (no answer), drivers.ErrRejected (an HTTP error
// without the document) or drivers.ErrMalformed (not one JSON object).
func (c *client) status(ctx context.Context, keys []string) (map[string]any, error) {
	// Keys are validated identifiers, so the comma list needs no escaping;
	// it is the form the API documents for firmware 051.4 and later.
	code, body, err := c.get(ctx, "/api/status?filter="+strings.Join(keys, ","))
	if err != nil {
		return nil, err
	}
	obj, derr := decodeObject(body)
	switch {
	case code == http.StatusOK:
		return obj, derr
	case code == http.StatusBadRequest && derr == nil:
		// A filter naming a key the firmware lacks is answered 400 with
		// the keys it has (go-e API v2 issue 312); the others are unknown.
		return obj, nil
	}
	return nil, fmt.Errorf("%w: GET /api/status: HTTP %d: %s", drivers.ErrRejected, code, clip(body))
}

// set writes one key and returns nil only when the device answered it
// with true. The per-key answer decides, whatever the HTTP status: the
// device answers a refused key with an error string and HTTP 500.
func (c *client) set(ctx context.Context, key string, value []byte) error {
	what := fmt.Sprintf("set %s=%s", key, value)
	code, body, err := c.get(ctx, "/api/set?"+key+"="+url.QueryEscape(string(value)))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	obj, err := decodeObject(body)
	if err != nil {
		if code != http.StatusOK {
			return fmt.Errorf("%s: %w: HTTP %d: %s", what, drivers.ErrRejected, code, clip(body))
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	switch v := obj[key].(type) {
	case bool:
		if v {
			return nil
		}
		return fmt.Errorf("%s: %w: answered false", what, drivers.ErrRejected)
	case string:
		return fmt.Errorf("%s: %w: %s", what, drivers.ErrRejected, v)
	case nil:
		return fmt.Errorf("%s: %w: the answer %s does not mention %s", what, drivers.ErrMalformed, clip(body), key)
	}
	return fmt.Errorf("%s: %w: the answer gives %s %s", what, drivers.ErrMalformed, key, clip(body))
}

// get does one request and returns the HTTP status and the body.
func (c *client) get(ctx context.Context, pathQuery string) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+pathQuery, nil)
	if err != nil {
		return 0, nil, fmt.Errorf("goe: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() == nil {
			return 0, nil, err
		}
		return 0, nil, fmt.Errorf("%w: GET %s: %w", drivers.ErrTimeout, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswer+1))
	switch {
	case err != nil && ctx.Err() != nil:
		return 0, nil, fmt.Errorf("%w: GET %s: the answer did not finish: %w", drivers.ErrTimeout, req.URL.Path, err)
	case err != nil:
		// Cut off mid-answer: what arrived cannot be used.
		return 0, nil, fmt.Errorf("%w: GET %s: the answer broke off: %w", drivers.ErrMalformed, req.URL.Path, err)
	case len(body) > MaxAnswer:
		return 0, nil, fmt.Errorf("%w: GET %s: the answer exceeds %d bytes", drivers.ErrMalformed, req.URL.Path, MaxAnswer)
	}
	return resp.StatusCode, body, nil
}

// decodeObject decodes an answer that must be exactly one JSON object.
func decodeObject(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: not JSON: %v: %s", drivers.ErrMalformed, err, clip(body))
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: the answer is %s, want a JSON object: %s", drivers.ErrMalformed, jsonKind(v), clip(body))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON object: %s", drivers.ErrMalformed, clip(body))
	}
	return obj, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// clip quotes the start of a body for an error message.
func clip(b []byte) string {
	const n = 120
	if len(b) > n {
		return fmt.Sprintf("%q…", b[:n])
	}
	return fmt.Sprintf("%q", b)
}
