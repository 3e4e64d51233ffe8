package rpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// schemaDir holds the official OCA schemas, the test oracle. They are read
// in place and never copied into the repository.
func schemaDir() string {
	if d := os.Getenv("OCPP201_SCHEMAS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "..", "shared", "ocpp201", "schemas")
}

// needSchemas skips without the OCA schemas, except in CI where they must be.
func needSchemas(tb testing.TB) *oaValidator {
	tb.Helper()
	v, reason := findSchemas(tb)
	if v == nil {
		tb.Skip(reason)
	}
	return v
}

// findSchemas returns nil and why when the schemas are absent outside CI.
func findSchemas(tb testing.TB) (*oaValidator, string) {
	tb.Helper()
	dir := schemaDir()
	if _, err := os.Stat(filepath.Join(dir, "BootNotificationRequest.json")); err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("OCA schemas missing at %s (CI must have them): %v", dir, err)
		}
		return nil, fmt.Sprintf("OCA OCPP 2.0.1 schemas not found at %s; set OCPP201_SCHEMAS to run this test", dir)
	}
	return &oaValidator{dir: dir, schemas: map[string]*jsonschema.Schema{}}, ""
}

// oaValidator implements Validator over the OCA schemas with
// santhosh-tekuri/jsonschema, mapping failing keywords to Part 4 codes the
// way ocpp-rpc does (the strict interop peer of DESIGN §9).
type oaValidator struct {
	dir     string
	mu      sync.Mutex
	schemas map[string]*jsonschema.Schema
}

func (v *oaValidator) ValidateRequest(action string, payload []byte) error {
	return v.validate(action+"Request", payload)
}

func (v *oaValidator) ValidateResponse(action string, payload []byte) error {
	return v.validate(action+"Response", payload)
}

func (v *oaValidator) validate(name string, payload []byte) error {
	s, err := v.schema(name)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(payload))
	d.UseNumber()
	var doc any
	if err := d.Decode(&doc); err != nil {
		return ocpp.Errorf(ocpp.FormatViolation, "%s: %v", name, err)
	}
	err = s.Validate(doc)
	var ve *jsonschema.ValidationError
	if errors.As(err, &ve) {
		leaf := deepest(ve)
		return ocpp.Errorf(keywordCode(leaf.KeywordLocation), "%s at %q: %s", name, leaf.InstanceLocation, leaf.Message)
	}
	return err
}

func (v *oaValidator) schema(name string) (*jsonschema.Schema, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.schemas[name]; ok {
		return s, nil
	}
	data, err := os.ReadFile(filepath.Join(v.dir, name+".json"))
	if err != nil {
		return nil, ocpp.Errorf(ocpp.NotImplemented, "no schema for %s", name)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	url := "file:///" + name + ".json"
	if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	v.schemas[name] = s
	return s, nil
}

func deepest(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	for len(ve.Causes) > 0 {
		ve = ve.Causes[0]
	}
	return ve
}

func keywordCode(loc string) ocpp.ErrorCode {
	switch loc[strings.LastIndexByte(loc, '/')+1:] {
	case "type":
		return ocpp.TypeConstraintViolation
	case "required", "minItems", "maxItems":
		return ocpp.OccurrenceConstraintViolation
	case "additionalProperties", "pattern":
		return ocpp.PropertyConstraintViolation
	default:
		return ocpp.FormatViolation
	}
}

func TestOAValidatorMapsKeywords(t *testing.T) {
	v := needSchemas(t)
	tests := []struct {
		name    string
		payload string
		want    ocpp.ErrorCode
	}{
		{"valid", `{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}`, ""},
		{"missing required", `{"reason":"PowerUp"}`, ocpp.OccurrenceConstraintViolation},
		{"wrong type", `{"reason":"PowerUp","chargingStation":{"model":5,"vendorName":"V"}}`, ocpp.TypeConstraintViolation},
		{"too long", `{"reason":"PowerUp","chargingStation":{"model":"` + strings.Repeat("m", 21) + `","vendorName":"V"}}`, ocpp.FormatViolation},
		{"extra field", `{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"},"x":1}`, ocpp.PropertyConstraintViolation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := v.ValidateRequest("BootNotification", []byte(tc.payload))
			if got := codeOf(err); got != tc.want {
				t.Fatalf("code %q (%v), want %q", got, err, tc.want)
			}
		})
	}
	if got := codeOf(v.ValidateRequest("NoSuchAction", []byte(`{}`))); got != ocpp.NotImplemented {
		t.Fatalf("unknown action: code %q, want NotImplemented", got)
	}
}

func codeOf(err error) ocpp.ErrorCode {
	var oe *ocpp.Error
	if errors.As(err, &oe) {
		return oe.Code
	}
	if err != nil {
		return "non-ocpp error: " + ocpp.ErrorCode(err.Error())
	}
	return ""
}
