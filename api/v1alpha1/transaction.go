package v1alpha1

import "encoding/json"

// Transaction is one charging session on one connector, with the
// TransactionEvents not yet acknowledged by the CSMS.
type Transaction struct {
	APIVersion string            `json:"apiVersion"`
	Kind       string            `json:"kind"`
	Metadata   ObjectMeta        `json:"metadata"`
	Spec       TransactionSpec   `json:"spec"`
	Status     TransactionStatus `json:"status"`
}

// TransactionSpec is what is fixed when the session starts.
type TransactionSpec struct {
	ChargerRef string `json:"chargerRef"`
	EVSEID     int    `json:"evseId"`
	// ConnectorID defaults to 1.
	ConnectorID int `json:"connectorId,omitempty"`
	// TransactionID is the OCPP transactionId, at most 36 characters.
	TransactionID string   `json:"transactionId"`
	IDToken       *IDToken `json:"idToken,omitempty"`
	// StartedAt is when the session started (RFC 3339).
	StartedAt string `json:"startedAt"`
}

// IDToken is the OCPP IdTokenType without additional info.
type IDToken struct {
	IDToken string `json:"idToken"`
	// Type is an IdTokenEnumType value.
	Type string `json:"type"`
}

// TransactionStatus is the session's progress and its outbox.
type TransactionStatus struct {
	CommonStatus
	// ChargingState is a ChargingStateEnumType value.
	ChargingState string `json:"chargingState,omitempty"`
	// SeqNo is the seqNo the next TransactionEvent gets; it starts at 0.
	SeqNo int `json:"seqNo,omitempty"`
	// MeterStartWh is the lifetime energy register at the start, if known.
	MeterStartWh *float64 `json:"meterStartWh,omitempty"`
	// EnergyWh is the energy delivered in this session so far.
	EnergyWh float64 `json:"energyWh,omitempty"`
	// StoppedReason is a ReasonEnumType value, set when the session ends.
	StoppedReason string `json:"stoppedReason,omitempty"`
	EndedAt       string `json:"endedAt,omitempty"`
	// Outbox holds TransactionEvents not yet acknowledged, in seqNo order.
	Outbox []OutboxEntry `json:"outbox,omitempty"`
}

// OutboxEntry is one TransactionEventRequest waiting for its CALLRESULT.
type OutboxEntry struct {
	SeqNo int `json:"seqNo"`
	// EventType is Started, Updated or Ended.
	EventType string `json:"eventType"`
	Timestamp string `json:"timestamp"`
	// Payload is the complete TransactionEventRequest JSON.
	Payload  json.RawMessage `json:"payload"`
	Attempts int             `json:"attempts,omitempty"`
	// Offline is true when the event was created or re-sent while offline.
	Offline bool `json:"offline,omitempty"`
}

// SetDefaults fills what the operator left out.
func (s *TransactionSpec) SetDefaults(*ObjectMeta) {
	defaultInt(&s.ConnectorID, 1)
}

// Validate returns every problem with a defaulted spec.
func (s *TransactionSpec) Validate(*ObjectMeta) []FieldError {
	var errs fieldErrors
	p := FieldPath("spec")
	checkRef(&errs, p.Key("chargerRef"), s.ChargerRef, true)
	checkMin(&errs, p.Key("evseId"), s.EVSEID, 1)
	checkMin(&errs, p.Key("connectorId"), s.ConnectorID, 1)
	checkRequiredMaxLen(&errs, p.Key("transactionId"), s.TransactionID, 36)
	if t := s.IDToken; t != nil {
		q := p.Key("idToken")
		// NoAuthorization tokens are empty by definition.
		if t.Type == "NoAuthorization" {
			checkMaxLen(&errs, q.Key("idToken"), t.IDToken, 36)
		} else {
			checkRequiredMaxLen(&errs, q.Key("idToken"), t.IDToken, 36)
		}
		checkRequiredEnum(&errs, q.Key("type"), t.Type, IDTokenTypes)
	}
	if s.StartedAt == "" {
		errs.add(p.Key("startedAt"), missing(p.Key("startedAt")))
	}
	checkTime(&errs, p.Key("startedAt"), s.StartedAt)
	return errs
}
