package ocpp

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
	"github.com/ocppgw/ocppgw/schemas/conform"
	ocppschema "github.com/ocppgw/ocppgw/schemas/ocpp"
)

// ValidateRequest checks a CALL payload of the given action against the
// project schema. It returns nil or an *rpc.Error carrying the Part 4 code a
// CALLERROR must use; see violation.go for the mapping. An unknown action is
// NotImplemented, a known one without Go types NotSupported.
func ValidateRequest(action string, payload []byte) error {
	return validate(action, "Request", payload)
}

// ValidateResponse checks a CALLRESULT payload the same way.
func ValidateResponse(action string, payload []byte) error {
	return validate(action, "Response", payload)
}

// compiled holds every project schema, compiled once on first use, and the
// raw documents, which error descriptions consult for limits and names.
// Compiled schemas are read-only, so concurrent validation is safe.
type compiled struct {
	schemas map[string]*jsonschema.Schema // "<Action>Request" → schema
	raw     map[string]any                // schema URL → decoded document
	// fast holds each schema's fast checks (schemas/conform): a payload
	// they pass as they scan it is valid without being decoded for
	// jsonschema, which decides, and describes the violation, for every
	// other.
	fast map[string]*conform.Checker
}

var loadSchemas = sync.OnceValues(compileSchemas)

func compileSchemas() (*compiled, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft7
	c.AssertFormat = true
	out := &compiled{schemas: map[string]*jsonschema.Schema{}, raw: map[string]any{}, fast: map[string]*conform.Checker{}}
	names, err := fs.Glob(ocppschema.FS(), "*.json")
	if err != nil {
		return nil, fmt.Errorf("ocpp: schemas: %w", err)
	}
	for _, name := range names {
		b, err := ocppschema.File(name)
		if err != nil {
			return nil, fmt.Errorf("ocpp: schema %s: %w", name, err)
		}
		url := ocppschema.BaseURL + name
		if err := c.AddResource(url, bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("ocpp: schema %s: %w", name, err)
		}
		doc, err := decodeJSON(b)
		if err != nil {
			return nil, fmt.Errorf("ocpp: schema %s: %w", name, err)
		}
		out.raw[url] = doc
	}
	for _, name := range names {
		s, err := c.Compile(ocppschema.BaseURL + name)
		if err != nil {
			return nil, fmt.Errorf("ocpp: compile %s: %w", name, err)
		}
		key := strings.TrimSuffix(name, ".json")
		out.schemas[key] = s
		if ch, err := conform.Compile(s, c.AssertFormat); err == nil {
			out.fast[key] = ch // a test requires one for every schema
		}
	}
	return out, nil
}

func validate(action, kind string, payload []byte) error {
	_, err := check(action, kind, payload, true)
	return err
}

// check validates with the fast checks first when fast is set, and with
// jsonschema alone otherwise (tests compare the two); byFast says that the
// fast checks passed the payload.
func check(action, kind string, payload []byte, fast bool) (byFast bool, err error) {
	info, known := registry[action]
	if !known {
		return false, rpc.Errorf(rpc.NotImplemented, "unknown action %q", action)
	}
	if !info.HasTypes() {
		return false, rpc.Errorf(rpc.NotSupported, "action %s is not supported by this gateway", action)
	}
	c, err := loadSchemas()
	if err != nil {
		// The schemas are embedded and tested; this is a build defect.
		return false, rpc.Errorf(rpc.InternalError, "%v", err)
	}
	s, ok := c.schemas[action+kind]
	if !ok {
		return false, rpc.Errorf(rpc.InternalError, "no project schema for %s%s", action, kind)
	}
	if n := countValues(payload); n > MaxPayloadValues {
		return false, rpc.Errorf(rpc.FormatViolation, "payload holds over %d JSON values (%d): refused before validation", MaxPayloadValues, n)
	}
	if f := c.fast[action+kind]; fast && f != nil && isObject(payload) && f.ConformsJSON(payload) {
		return true, nil
	}
	doc, err := decodeJSON(payload)
	if err != nil {
		return false, rpc.Errorf(rpc.FormatViolation, "payload is not valid JSON: %v", err)
	}
	if _, isObject := doc.(map[string]any); !isObject {
		return false, rpc.Errorf(rpc.FormatViolation, "payload must be a JSON object, got %s", jsonType(doc))
	}
	err = s.Validate(doc)
	if err == nil {
		return false, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return false, rpc.Errorf(rpc.InternalError, "validating %s%s: %v", action, kind, err)
	}
	return false, c.violation(doc, ve)
}

// MaxPayloadValues bounds the JSON values in one payload. The schema
// validator keeps an error of about 2 KB for each value that fails, so
// 30,000 wrong array items in a 64 KiB frame cost 67 MB; at this bound a
// frame costs at most about 10 MB. A CSMS keeping to the station's
// BytesPerMessage (8,192) cannot exceed it, nor can a SetChargingProfile
// within PeriodsPerSchedule.
const MaxPayloadValues = 4096

// isObject reports whether b's first non-space byte opens an object.
func isObject(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// countValues counts the JSON values in b without decoding it: one more
// than the commas, plus one per array or object, outside strings. Invalid
// JSON is counted too; the decoder refuses it afterwards.
func countValues(b []byte) int {
	n, inString, escaped := 1, false, false
	for _, c := range b {
		switch {
		case escaped:
			escaped = false
		case inString:
			escaped = c == '\\'
			inString = c != '"'
		case c == '"':
			inString = true
		case c == ',', c == '[', c == '{':
			n++
		}
	}
	return n
}

// decodeJSON decodes exactly one JSON value, keeping numbers exact so that
// integer and range checks see what the peer sent.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON value at offset %d", dec.InputOffset())
	}
	return v, nil
}
