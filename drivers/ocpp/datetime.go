package ocpp

import (
	"encoding/json"
	"fmt"
	"time"
)

// dateTimeLayout is RFC 3339 in UTC with milliseconds. The schemas only ask
// for "date-time"; a fixed millisecond layout is what CSMSs built on Java and
// .NET parsers accept most reliably, and it keeps the wire form stable.
const dateTimeLayout = "2006-01-02T15:04:05.000Z"

// DateTime is an OCPP timestamp (schema format date-time).
type DateTime struct {
	time.Time
}

// NewDateTime wraps t; the wire form is UTC with millisecond precision.
func NewDateTime(t time.Time) DateTime { return DateTime{t} }

// MarshalJSON writes the time in UTC as RFC 3339 with milliseconds.
func (d DateTime) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(dateTimeLayout)+2)
	b = append(b, '"')
	b = d.UTC().AppendFormat(b, dateTimeLayout)
	return append(b, '"'), nil
}

// UnmarshalJSON accepts any RFC 3339 date-time, with or without fraction
// and in any offset, since peers differ.
func (d *DateTime) UnmarshalJSON(b []byte) error {
	s, plain := plainString(b)
	if !plain {
		if err := json.Unmarshal(b, &s); err != nil {
			return fmt.Errorf("ocpp: date-time must be a string: %w", err)
		}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("ocpp: date-time %q: %w", s, err)
	}
	d.Time = t
	return nil
}

// plainString returns the text of a JSON string that has no escape and
// only printable ASCII, as every date-time on the wire has: what
// json.Unmarshal would make of it, without decoding the value a second
// time (the decoder that calls UnmarshalJSON has checked it already).
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	for _, c := range b[1 : len(b)-1] {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return "", false
		}
	}
	return string(b[1 : len(b)-1]), true
}
