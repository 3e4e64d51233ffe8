package ocaschema

import (
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
		{"no such schema", "NoSuchRequest", `{}`, "schema NoSuchRequest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := v.Validate(tc.schema, []byte(tc.payload))
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if err := v.ValidateResponse("TransactionEvent", []byte(`{}`)); err != nil {
		t.Fatalf("an empty TransactionEventResponse is valid: %v", err)
	}
	if err := v.ValidateRequest("Authorize", []byte(`{}`)); err == nil {
		t.Fatal("an AuthorizeRequest without idToken passed")
	}
}
