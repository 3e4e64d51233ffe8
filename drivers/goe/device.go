package goe

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/ocppgw/ocppgw/drivers"
)

// opener opens go-e devices over one shared HTTP transport, so that idle
// connections are kept per charger and closed with the gateway.
type opener struct {
	transport *http.Transport
}

func newOpener(any) (drivers.Opener, error) {
	return &opener{transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}, nil
}

// Open implements drivers.Opener. It does no I/O: a charger that is down
// is reported by Read.
func (o *opener) Open(_ context.Context, cfg drivers.Config) (drivers.Device, error) {
	conn := v1alpha1.ConnectionAs[Connection](cfg.Connection)
	if conn == nil {
		return nil, fmt.Errorf("goe: charger %q: connection %q is not spec.connection.goe", cfg.Charger, cfg.Connection.Key())
	}
	if r := urlProblem(conn.URL); r != "" {
		return nil, fmt.Errorf("goe: charger %q: url: %s", cfg.Charger, r)
	}
	timeout := conn.Timeout.Duration()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	d := &device{c: &client{base: strings.TrimSuffix(conn.URL, "/"), http: &http.Client{Transport: o.transport,
		// A charger's API answers where it is asked; a redirect is not it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		timeout: timeout}}
	if r, ok := cfg.Read.Section(Protocol).(*Read); ok && r != nil {
		d.read = *r
	}
	return d, nil
}

// Close drops the idle connections.
func (o *opener) Close() error {
	o.transport.CloseIdleConnections()
	return nil
}

// device is one charger.
type device struct {
	c    *client
	read Read
}

// Read asks for the template's keys in one request. A key the answer
// leaves out or gives as null is absent from the input, so its signals are
// unknown; it is listed as failed. The error is set only when the charger
// did not answer at all.
func (d *device) Read(ctx context.Context) (*drivers.Reading, error) {
	rd := &drivers.Reading{Input: &cel.Input{Data: map[string]any{}}}
	if len(d.read.Keys) == 0 {
		return rd, nil
	}
	obj, err := d.c.status(ctx, d.read.Keys)
	if errors.Is(err, drivers.ErrTimeout) || errors.Is(err, context.Canceled) {
		return nil, err
	}
	for _, k := range d.read.Keys {
		v, ok := obj[k]
		var why error
		var short string
		switch {
		case errors.Is(err, drivers.ErrMalformed):
			why, short = err, "malformed answer"
		case err != nil:
			why, short = err, "the charger answered an error"
		case !ok:
			why, short = fmt.Errorf("%w: key %q is not in the answer (the firmware may not have it)", drivers.ErrRejected, k), "not in the answer"
		case v == nil:
			why, short = fmt.Errorf("%w: key %q answered null (the charger does not know it now)", drivers.ErrRejected, k), "answered null"
		default:
			rd.Input.Data[k] = v
			continue
		}
		rd.Failed = append(rd.Failed, drivers.ReadFailure{What: fmt.Sprintf("key %q", k), Optional: d.read.IsOptional(k), Err: why})
		if rd.Input.DataAbsent == nil {
			rd.Input.DataAbsent = map[string]string{}
		}
		rd.Input.DataAbsent[k] = short
	}
	return rd, nil
}

// Write sets each key in order and stops at the first the charger did not
// confirm.
func (d *device) Write(ctx context.Context, writes []cel.Write) error {
	for _, w := range writes {
		if w.Kind != cel.WriteKey {
			return fmt.Errorf("%w: a go-e charger cannot run %s", cel.ErrUnsupported, w)
		}
		if err := d.c.set(ctx, w.Key, w.Value); err != nil {
			return err
		}
	}
	return nil
}

// Close leaves the shared transport to the opener.
func (d *device) Close() error { return nil }
