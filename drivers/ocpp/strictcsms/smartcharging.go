package strictcsms

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ocppgw/ocppgw/drivers/ocpp/profilereports"
)

// Report is one ReportChargingProfilesRequest a station sent, decoded;
// Payload holds it as sent.
type Report struct {
	RequestID           int               `json:"requestId"`
	ChargingLimitSource string            `json:"chargingLimitSource"`
	Tbc                 bool              `json:"tbc"`
	EvseID              int               `json:"evseId"`
	ChargingProfile     []json.RawMessage `json:"chargingProfile"`
	Payload             json.RawMessage   `json:"-"`
}

// ChargingProfileReports returns the ReportChargingProfiles identity sent
// for requestID, in arrival order, and whether the last one (tbc false) is
// among them. Reports that failed strict validation are not there (see
// Failures).
func (c *CSMS) ChargingProfileReports(identity string, requestID int) ([]Report, bool, error) {
	var payloads []json.RawMessage
	for _, e := range c.Events() {
		if e.Ev == "call" && e.Method == "ReportChargingProfiles" && e.Identity == identity {
			payloads = append(payloads, e.Payload())
		}
	}
	idx, complete, err := profilereports.Of(payloads, requestID)
	if err != nil {
		return nil, false, fmt.Errorf("strictcsms: from %s: %w", identity, err)
	}
	out := make([]Report, len(idx))
	for i, j := range idx {
		out[i].Payload = payloads[j]
		if err := json.Unmarshal(payloads[j], &out[i]); err != nil {
			return nil, false, fmt.Errorf("strictcsms: ReportChargingProfiles from %s: %w", identity, err)
		}
	}
	return out, complete, nil
}

// WaitChargingProfileReports waits until identity has sent the last
// ReportChargingProfiles (tbc false) for requestID and returns them all.
func (c *CSMS) WaitChargingProfileReports(ctx context.Context, identity string, requestID int) ([]Report, error) {
	_, err := c.WaitEvent(ctx, func(e Event) bool {
		if e.Ev != "call" || e.Method != "ReportChargingProfiles" || e.Identity != identity {
			return false
		}
		var r Report
		return json.Unmarshal(e.Payload(), &r) == nil && r.RequestID == requestID && !r.Tbc
	})
	reports, _, rerr := c.ChargingProfileReports(identity, requestID)
	if err != nil {
		return reports, fmt.Errorf("strictcsms: %d ReportChargingProfiles for request %d from %s, none with tbc false: %w",
			len(reports), requestID, identity, err)
	}
	return reports, rerr
}

// GetChargingProfiles sends a GetChargingProfilesRequest with requestID,
// evseID (nil: none) and criterion, and returns the answer and, when it is
// Accepted, every ReportChargingProfiles of requestID up to tbc false. A
// requestID already used by identity mixes in the earlier reports.
func (c *CSMS) GetChargingProfiles(ctx context.Context, identity string, requestID int, evseID *int, criterion any) (json.RawMessage, []Report, error) {
	params := map[string]any{"requestId": requestID, "chargingProfile": criterion}
	if evseID != nil {
		params["evseId"] = *evseID
	}
	res, err := c.Call(ctx, identity, "GetChargingProfiles", params)
	if err != nil {
		return nil, nil, err
	}
	var a struct{ Status string }
	if err := json.Unmarshal(res, &a); err != nil || a.Status != "Accepted" {
		return res, nil, err
	}
	reports, err := c.WaitChargingProfileReports(ctx, identity, requestID)
	return res, reports, err
}
