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
// status) or drivers.ErrMalformed (not one JSON object).
func (c *client) status(ctx context.Context, keys []string) (map[string]any, error) {
	// Keys are validated identifiers, so the comma list needs no escaping;
	// it is the form the API documents for firmware 051.4 and later.
	body, err := c.get(ctx, "/api/status?filter="+strings.Join(keys, ","))
	if err != nil {
		return nil, err
	}
	return decodeObject(body)
}

// set writes one key and returns nil only when the device answered it
// with true.
func (c *client) set(ctx context.Context, key string, value []byte) error {
	body, err := c.get(ctx, "/api/set?"+key+"="+url.QueryEscape(string(value)))
	if err != nil {
		return fmt.Errorf("set %s=%s: %w", key, value, err)
	}
	obj, err := decodeObject(body)
	if err != nil {
		return fmt.Errorf("set %s=%s: %w", key, value, err)
	}
	switch v := obj[key].(type) {
	case bool:
		if v {
			return nil
		}
		return fmt.Errorf("set %s=%s: %w: answered false", key, value, drivers.ErrRejected)
	case string:
		return fmt.Errorf("set %s=%s: %w: %q", key, value, drivers.ErrRejected, v)
	case nil:
		return fmt.Errorf("set %s=%s: %w: the answer %s does not mention %s", key, value, drivers.ErrMalformed, clip(body), key)
	}
	return fmt.Errorf("set %s=%s: %w: the answer gives %s %s", key, value, drivers.ErrMalformed, key, clip(body))
}

// get does one request and returns the body of a 200 answer.
func (c *client) get(ctx context.Context, pathQuery string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+pathQuery, nil)
	if err != nil {
		return nil, fmt.Errorf("goe: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() == nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: GET %s: %w", drivers.ErrTimeout, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswer+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%w: GET %s: reading the answer: %w", drivers.ErrTimeout, req.URL.Path, err)
	case len(body) > MaxAnswer:
		return nil, fmt.Errorf("%w: GET %s: the answer exceeds %d bytes", drivers.ErrMalformed, req.URL.Path, MaxAnswer)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%w: GET %s: HTTP %s: %s", drivers.ErrRejected, req.URL.Path, resp.Status, clip(body))
	}
	return body, nil
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
