package ocpp

import (
	"encoding/json"
	"testing"
	"time"
)

// TestDateTimeUnmarshal: a date-time decodes as json.Unmarshal into a
// string and time.Parse make of it, whether the string is plain (decoded
// in place) or has escapes (decoded by encoding/json), and anything that
// is not a string or not RFC 3339 is refused.
func TestDateTimeUnmarshal(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC3339Nano in UTC; "" means an error
	}{
		{`"2026-01-02T03:04:05.678Z"`, "2026-01-02T03:04:05.678Z"},
		{`"2026-01-02T03:04:05Z"`, "2026-01-02T03:04:05Z"},
		{`"2026-01-02T05:04:05.5+02:00"`, "2026-01-02T03:04:05.5Z"},
		{`"2026-01-02T03:04:05\u002e1Z"`, "2026-01-02T03:04:05.1Z"}, // an escape: the slow path
		{`"2026-01-02T03:04:05\/Z"`, ""},
		{`"2026-01-02 03:04:05Z"`, ""},
		{`"2026-01-02T03:04:05Zé"`, ""},
		{`""`, ""},
		{`"`, ""},
		{`12`, ""},
		{`null`, ""},
	} {
		var d DateTime
		err := d.UnmarshalJSON([]byte(tc.in))
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%s: decoded to %v, want an error", tc.in, d.Time)
		case tc.want != "" && err != nil:
			t.Errorf("%s: %v", tc.in, err)
		case tc.want != "" && d.UTC().Format(time.RFC3339Nano) != tc.want:
			t.Errorf("%s: decoded to %s, want %s", tc.in, d.UTC().Format(time.RFC3339Nano), tc.want)
		}
		// The same verdict as decoding the string first.
		var s string
		perr := json.Unmarshal([]byte(tc.in), &s)
		if perr == nil {
			_, perr = time.Parse(time.RFC3339Nano, s)
		}
		if (perr == nil) != (err == nil) {
			t.Errorf("%s: error %v, but json.Unmarshal and time.Parse give %v", tc.in, err, perr)
		}
	}
}
