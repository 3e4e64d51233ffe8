package ocaschema

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	v := Need(t)
	tests := []struct {
		name, schema, payload, want string // want: "" or a part of the error
	}{
		{"valid", "BootNotificationRequest", `{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}`, ""},
		{"missing required", "BootNotificationRequest", `{"reason":"PowerUp"}`, "chargingStation"},
		{"too long", "BootNotificationRequest", `{"reason":"PowerUp","chargingStation":{"model":"` + strings.Repeat("m", 21) + `","vendorName":"V"}}`, "/chargingStation/model"},
		{"bad enum", "TransactionEventResponse", `{"idTokenInfo":{"status":"Garbage"}}`, "/idTokenInfo/status"},
		{"not JSON", "TransactionEventResponse", `{"idTokenInfo":`, "not JSON"},
		{"no such schema", "NoSuchRequest", `{}`, "no such schema: NoSuchRequest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := v.Validate(tc.schema, []byte(tc.payload))
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	var se *Error
	if err := v.Validate("AuthorizeResponse", []byte(`{"idTokenInfo":{"status":"Garbage"}}`)); !errors.As(err, &se) ||
		*se != (Error{Schema: "AuthorizeResponse", Instance: "/idTokenInfo/status", Keyword: "enum", Message: se.Message}) {
		t.Fatalf("error %#v, want the enum rule at /idTokenInfo/status", err)
	}
	if err := v.Validate("NoSuchRequest", []byte(`{}`)); !errors.Is(err, ErrNoSchema) {
		t.Fatalf("unknown schema: %v, want ErrNoSchema", err)
	}
	if err := v.ValidateResponse("TransactionEvent", []byte(`{}`)); err != nil {
		t.Fatalf("an empty TransactionEventResponse is valid: %v", err)
	}
	if err := v.ValidateRequest("Authorize", []byte(`{}`)); err == nil {
		t.Fatal("an AuthorizeRequest without idToken passed")
	}
}
