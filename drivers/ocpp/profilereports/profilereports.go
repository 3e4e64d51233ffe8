package profilereports

import (
	"encoding/json"
	"fmt"
)

// head is what ties a report to its request.
type head struct {
	RequestID int  `json:"requestId"`
	Tbc       bool `json:"tbc"`
}

// Of returns the positions in payloads (ReportChargingProfilesRequest
// payloads in arrival order) of the reports for requestID, up to and
// including the first without tbc, and whether that last one is there.
// A payload that does not decode is an error naming its position.
func Of(payloads []json.RawMessage, requestID int) ([]int, bool, error) {
	var out []int
	for i, p := range payloads {
		var h head
		if err := json.Unmarshal(p, &h); err != nil {
			return out, false, fmt.Errorf("ReportChargingProfiles #%d %s: %w", i, p, err)
		}
		if h.RequestID != requestID {
			continue
		}
		out = append(out, i)
		if !h.Tbc {
			return out, true, nil
		}
	}
	return out, false, nil
}
