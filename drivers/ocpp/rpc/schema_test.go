package rpc

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp/ocaschema"
)

// needSchemas skips without the OCA schemas (the test oracle, read in
// place), except in CI where they must be.
func needSchemas(tb testing.TB) *oaValidator {
	tb.Helper()
	return &oaValidator{ocaschema.Need(tb)}
}

// findSchemas returns nil and why when the schemas are absent outside CI.
func findSchemas(tb testing.TB) (*oaValidator, string) {
	tb.Helper()
	dir, err := ocaschema.Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("OCA schemas missing (CI must have them): %v", err)
		}
		return nil, err.Error()
	}
	return &oaValidator{ocaschema.New(dir)}, ""
}

// oaValidator implements Validator over the OCA schemas, mapping failing
// keywords to Part 4 codes the way ocpp-rpc does (the strict interop peer
// of DESIGN §9).
type oaValidator struct{ v *ocaschema.Validator }

func (v *oaValidator) ValidateRequest(action string, payload []byte) error {
	return withCode(v.v.ValidateRequest(action, payload))
}

func (v *oaValidator) ValidateResponse(action string, payload []byte) error {
	return withCode(v.v.ValidateResponse(action, payload))
}

func withCode(err error) error {
	var se *ocaschema.Error
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ocaschema.ErrNoSchema):
		return Errorf(NotImplemented, "%v", err)
	case errors.As(err, &se):
		return Errorf(keywordCode(se.Keyword), "%v", err)
	default:
		return err
	}
}

// keywordCode maps a schema keyword; "" (not JSON) is a FormatViolation.
func keywordCode(keyword string) ErrorCode {
	switch keyword {
	case "type":
		return TypeConstraintViolation
	case "required", "minItems", "maxItems":
		return OccurrenceConstraintViolation
	case "additionalProperties", "pattern":
		return PropertyConstraintViolation
	default:
		return FormatViolation
	}
}

func TestOAValidatorMapsKeywords(t *testing.T) {
	v := needSchemas(t)
	tests := []struct {
		name    string
		payload string
		want    ErrorCode
	}{
		{"valid", `{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}`, ""},
		{"missing required", `{"reason":"PowerUp"}`, OccurrenceConstraintViolation},
		{"wrong type", `{"reason":"PowerUp","chargingStation":{"model":5,"vendorName":"V"}}`, TypeConstraintViolation},
		{"too long", `{"reason":"PowerUp","chargingStation":{"model":"` + strings.Repeat("m", 21) + `","vendorName":"V"}}`, FormatViolation},
		{"extra field", `{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"},"x":1}`, PropertyConstraintViolation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := v.ValidateRequest("BootNotification", []byte(tc.payload))
			if got := codeOf(err); got != tc.want {
				t.Fatalf("code %q (%v), want %q", got, err, tc.want)
			}
		})
	}
	if got := codeOf(v.ValidateRequest("NoSuchAction", []byte(`{}`))); got != NotImplemented {
		t.Fatalf("unknown action: code %q, want NotImplemented", got)
	}
}

func codeOf(err error) ErrorCode {
	var oe *Error
	if errors.As(err, &oe) {
		return oe.Code
	}
	if err != nil {
		return "non-ocpp error: " + ErrorCode(err.Error())
	}
	return ""
}
