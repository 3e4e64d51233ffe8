package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// apiPrefix is the path of the one API group and version.
const apiPrefix = "/apis/" + v1alpha1.Group + "/" + v1alpha1.Version

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 1 << 20

// Client talks to one gateway's admin API. It is safe for concurrent use.
type Client struct {
	base  *url.URL
	http  *http.Client
	token string
}

// VersionInfo is the answer of GET /version.
type VersionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
}

// New returns a client for cfg. For an https:// server it trusts the
// configured CA (or the system roots when none is given) and presents the
// client certificate if one is configured. Requests have no overall timeout,
// since watches are long; bound them with the context.
func New(cfg *Config) (*Client, error) {
	if err := cfg.validate(true); err != nil {
		return nil, fmt.Errorf("client config: %w", err)
	}
	base, _ := url.Parse(strings.TrimSuffix(cfg.Server, "/")) // validated above
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if base.Scheme == "https" {
		tc, err := cfg.TLSConfig()
		if err != nil {
			return nil, fmt.Errorf("client config: %w", err)
		}
		tr.TLSClientConfig = tc
	}
	return &Client{base: base, http: &http.Client{Transport: tr}, token: cfg.Token}, nil
}

// TLSConfig is what the client uses for an https:// server: the
// configured CA (or the system roots), and the client certificate if any.
// For a probe or a tool that speaks to gwd without the client.
func (cfg *Config) TLSConfig() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	pem, err := caPEM(cfg)
	if err != nil {
		return nil, err
	}
	if pem != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("certificate authority: no PEM certificate found")
		}
		tc.RootCAs = pool
	}
	if cfg.ClientCertificate != "" {
		cert, err := tls.LoadX509KeyPair(cfg.ClientCertificate, cfg.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// caPEM returns the configured CA bundle: the file, or the inline data as
// PEM or, as in kubeconfig, base64 of PEM. nil means the system roots.
func caPEM(cfg *Config) ([]byte, error) {
	switch {
	case cfg.CertificateAuthority != "":
		b, err := os.ReadFile(cfg.CertificateAuthority)
		if err != nil {
			return nil, fmt.Errorf("certificate authority: %w", err)
		}
		return b, nil
	case cfg.CertificateAuthorityData == "":
		return nil, nil
	case strings.Contains(cfg.CertificateAuthorityData, "-----BEGIN"):
		return []byte(cfg.CertificateAuthorityData), nil
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cfg.CertificateAuthorityData))
	if err != nil {
		return nil, fmt.Errorf("certificateAuthorityData is neither PEM nor base64 of PEM: %w", err)
	}
	return b, nil
}

// Version asks the server for its version.
func (c *Client) Version(ctx context.Context) (VersionInfo, error) {
	var v VersionInfo
	err := c.do(ctx, http.MethodGet, "/version", nil, nil, "", &v)
	return v, err
}

// Get reads one object. kind is a Kind name such as "Charger" (any form
// v1alpha1.LookupKind knows works).
func (c *Client) Get(ctx context.Context, kind, name string) (*v1alpha1.Object, error) {
	p, err := itemPath(kind, name)
	if err != nil {
		return nil, err
	}
	var o v1alpha1.Object
	if err := c.do(ctx, http.MethodGet, p, nil, nil, "", &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// List reads every object of kind that matches labelSelector ("" = all).
func (c *Client) List(ctx context.Context, kind, labelSelector string) (*v1alpha1.List, error) {
	p, err := collectionPath(kind)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if labelSelector != "" {
		q.Set("labelSelector", labelSelector)
	}
	var l v1alpha1.List
	if err := c.do(ctx, http.MethodGet, p, q, nil, "", &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// Create stores a new object.
func (c *Client) Create(ctx context.Context, obj *v1alpha1.Object) (*v1alpha1.Object, error) {
	p, err := collectionPath(obj.Kind)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, http.MethodPost, p, obj)
}

// Update replaces an object's spec, labels and annotations. A non-empty
// metadata.resourceVersion must be current, else the error is a Conflict.
func (c *Client) Update(ctx context.Context, obj *v1alpha1.Object) (*v1alpha1.Object, error) {
	p, err := itemPath(obj.Kind, obj.Metadata.Name)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, http.MethodPut, p, obj)
}

// UpdateStatus replaces an object's status; generation does not move.
func (c *Client) UpdateStatus(ctx context.Context, obj *v1alpha1.Object) (*v1alpha1.Object, error) {
	p, err := itemPath(obj.Kind, obj.Metadata.Name)
	if err != nil {
		return nil, err
	}
	return c.send(ctx, http.MethodPut, p+"/status", obj)
}

// Delete removes an object and returns its last state.
func (c *Client) Delete(ctx context.Context, kind, name string) (*v1alpha1.Object, error) {
	p, err := itemPath(kind, name)
	if err != nil {
		return nil, err
	}
	var o v1alpha1.Object
	if err := c.do(ctx, http.MethodDelete, p, nil, nil, "", &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// ApplyOptions tune an Apply.
type ApplyOptions struct {
	// DryRun validates and reports what would change, storing nothing.
	DryRun bool
	// Prune deletes applied objects that match Selector and are not in body.
	Prune bool
	// Selector is a label selector; required with Prune.
	Selector string
}

// Apply sends a multi-document YAML or JSON stream to be applied in one
// transaction.
func (c *Client) Apply(ctx context.Context, body []byte, opts ApplyOptions) (*v1alpha1.ApplyResult, error) {
	q := url.Values{}
	if opts.DryRun {
		q.Set("dryRun", "true")
	}
	if opts.Prune {
		q.Set("prune", "true")
	}
	if opts.Selector != "" {
		q.Set("labelSelector", opts.Selector)
	}
	var res v1alpha1.ApplyResult
	if err := c.do(ctx, http.MethodPost, apiPrefix+"/apply", q, body, "application/yaml", &res); err != nil {
		return nil, err
	}
	return &res, nil
}

func (c *Client) send(ctx context.Context, method, p string, obj *v1alpha1.Object) (*v1alpha1.Object, error) {
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", obj.Key(), err)
	}
	var out v1alpha1.Object
	if err := c.do(ctx, method, p, nil, b, "application/json", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// do makes one request and decodes a 2xx answer into out; any other answer
// becomes a *StatusError.
func (c *Client) do(ctx context.Context, method, p string, q url.Values, body []byte, contentType string, out any) error {
	resp, err := c.request(ctx, method, p, q, body, contentType)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, p, err)
	}
	return nil
}

// request sends a request and returns a 2xx response, whose body the caller
// must close.
func (c *Client) request(ctx context.Context, method, p string, q url.Values, body []byte, contentType string) (*http.Response, error) {
	u := *c.base
	u.Path = c.base.Path + p
	u.RawQuery = q.Encode()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, p, err)
	}
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, p, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		return nil, statusError(method, p, resp)
	}
	return resp, nil
}

func collectionPath(kind string) (string, error) {
	k, ok := v1alpha1.LookupKind(kind)
	if !ok {
		return "", fmt.Errorf("unknown kind %q", kind)
	}
	return apiPrefix + "/" + k.Plural, nil
}

func itemPath(kind, name string) (string, error) {
	p, err := collectionPath(kind)
	if err != nil {
		return "", err
	}
	if name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("%s: invalid name %q", kind, name)
	}
	// request escapes the path as a whole.
	return p + "/" + name, nil
}

// statusError decodes an error answer. A body that is not a Status (a proxy's
// page, say) becomes a synthetic one with the HTTP code.
func statusError(method, p string, resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var st v1alpha1.APIStatus
	if json.Unmarshal(b, &st) == nil && st.Kind == "Status" && st.Message != "" {
		if st.Code == 0 {
			st.Code = resp.StatusCode
		}
		return &StatusError{Status: st}
	}
	text := strings.TrimSpace(string(b))
	if len(text) > 200 {
		text = text[:200] + "…"
	}
	msg := fmt.Sprintf("%s %s: %s", method, p, resp.Status)
	if text != "" {
		msg += ": " + text
	}
	return &StatusError{Status: v1alpha1.APIStatus{
		APIVersion: "v1", Kind: "Status", Status: "Failure",
		Message: msg, Reason: reasonForCode(resp.StatusCode), Code: resp.StatusCode,
	}}
}

func reasonForCode(code int) v1alpha1.StatusReason {
	switch code {
	case http.StatusBadRequest:
		return v1alpha1.ReasonBadRequest
	case http.StatusNotFound:
		return v1alpha1.ReasonNotFound
	case http.StatusConflict:
		return v1alpha1.ReasonConflict
	case http.StatusGone:
		return v1alpha1.ReasonGone
	case http.StatusUnprocessableEntity:
		return v1alpha1.ReasonInvalid
	case http.StatusServiceUnavailable:
		return v1alpha1.ReasonUnavailable
	}
	if code >= 500 {
		return v1alpha1.ReasonInternalError
	}
	return v1alpha1.StatusReason(strconv.Itoa(code))
}

// MappingTest reads a charger's device once through gwd and returns the raw
// values, the signals and the OCPP payloads they make.
func (c *Client) MappingTest(ctx context.Context, charger string) (*v1alpha1.MappingTest, error) {
	p, err := itemPath(v1alpha1.KindCharger, charger)
	if err != nil {
		return nil, err
	}
	var out v1alpha1.MappingTest
	if err := c.do(ctx, http.MethodGet, p+"/mappingtest", nil, nil, "", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Command runs one canonical command on a charger's device through gwd and
// returns what the device did with it.
func (c *Client) Command(ctx context.Context, charger string, cmd v1alpha1.ChargerCommand) (*v1alpha1.ChargerCommandResult, error) {
	p, err := itemPath(v1alpha1.KindCharger, charger)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(cmd)
	if err != nil {
		return nil, err
	}
	var out v1alpha1.ChargerCommandResult
	if err := c.do(ctx, http.MethodPost, p+"/command", nil, body, "application/json", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// TryTemplate reads a device no Charger describes yet once, through a
// template, and returns what the mapping makes of it.
func (c *Client) TryTemplate(ctx context.Context, req v1alpha1.MappingTestRequest) (*v1alpha1.MappingTest, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var out v1alpha1.MappingTest
	if err := c.do(ctx, http.MethodPost, apiPrefix+"/mappingtest", nil, body, "application/json", &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Discover runs a discovery in gwd: protocol is "modbus" or "echonet", req
// the matching request type, out the matching result type.
func (c *Client) Discover(ctx context.Context, protocol string, req, out any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	return c.do(ctx, http.MethodPost, apiPrefix+"/discover/"+protocol, nil, body, "application/json", out)
}
