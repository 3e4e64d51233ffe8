package ocpp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Redacted replaces a secret in a frame written to the log.
const Redacted = "<redacted>"

// RedactFrame returns an OCPP-J frame fit for a log: every idToken value,
// every password or key field, and the value of any device-model variable
// whose name says password or key (SecurityCtrlr.BasicAuthPassword) are
// replaced by Redacted. A frame that is not JSON is described, not shown,
// since nothing in it can be told apart.
func RedactFrame(frame []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(frame))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Appendf(nil, "<%d bytes that are not JSON>", len(frame))
	}
	out, err := json.Marshal(redact(v))
	if err != nil {
		return fmt.Appendf(nil, "<%d bytes: %v>", len(frame), err)
	}
	return out
}

func redact(v any) any {
	switch t := v.(type) {
	case []any:
		for i := range t {
			t[i] = redact(t[i])
		}
	case map[string]any:
		secretVariable := namesSecret(t["variable"])
		for k, e := range t {
			switch {
			case secretKey(k):
				if _, isString := e.(string); isString {
					t[k] = Redacted
					continue
				}
			case secretVariable && (k == "attributeValue" || k == "value"):
				t[k] = Redacted
				continue
			}
			t[k] = redact(e)
		}
	}
	return v
}

// secretKey reports whether a field of this name holds a secret: idToken
// (the string inside an IdTokenType), and passwords and keys (a VPN's key,
// an APN's password).
func secretKey(k string) bool {
	k = strings.ToLower(k)
	return k == "idtoken" || k == "key" || strings.Contains(k, "password")
}

// namesSecret reports whether a VariableType names a password or a key.
func namesSecret(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	name, _ := m["name"].(string)
	name = strings.ToLower(name)
	return strings.Contains(name, "password") || strings.HasSuffix(name, "key")
}
