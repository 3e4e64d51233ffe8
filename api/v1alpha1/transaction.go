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
	ChargerRef string `json:"chargerRef" schema:"is=name"`
	EVSEID     int    `json:"evseId" schema:"minimum=1"`
	// ConnectorID defaults to 1.
	ConnectorID int `json:"connectorId,omitempty" schema:"minimum=1"`
	// TransactionID is the OCPP transactionId, at most 36 characters.
	TransactionID string   `json:"transactionId" schema:"minLength=1,maxLength=36"`
	IDToken       *IDToken `json:"idToken,omitempty" schema:"required=idToken|type"`
	// StartedAt is when the session started (RFC 3339).
	StartedAt string `json:"startedAt" schema:"is=dateTime"`
}

// IDToken is the OCPP IdTokenType without additional info.
type IDToken struct {
	IDToken string `json:"idToken" schema:"maxLength=36,optional"`
	// Type is an IdTokenEnumType value.
	Type string `json:"type" schema:"enum=idTokenType"`
}

// ChargerLabel labels what the gateway makes for a charger (its sessions,
// the Secret of a password the CSMS set) with the charger's name.
const ChargerLabel = "ocppgw.dev/charger"

// MaxEndedSamples bounds TransactionStatus.EndedSamples.
const MaxEndedSamples = 100

// The states of a Transaction.
const (
	TransactionActive = "Active"
	TransactionEnded  = "Ended"
)

// TransactionStatus is the session's progress and its outbox.
type TransactionStatus struct {
	CommonStatus
	// State is Active until the Ended event is created, then Ended.
	State string `json:"state,omitempty" schema:"enum=txState"`
	// ChargingState is a ChargingStateEnumType value.
	ChargingState string `json:"chargingState,omitempty" schema:"enum=chargingState"`
	// SeqNo is the seqNo the next TransactionEvent gets; it starts at 0.
	SeqNo int `json:"seqNo,omitempty" schema:"minimum=0"`
	// IDToken is the token the session is authorized with, once known.
	IDToken *IDToken `json:"idToken,omitempty" schema:"required=idToken|type"`
	// Authorized is true while the session's authorization holds.
	Authorized bool `json:"authorized,omitempty"`
	// RemoteStartID is the CSMS's id of the RequestStartTransaction.
	RemoteStartID *int `json:"remoteStartId,omitempty"`
	// Seen are the TxStopPoint conditions observed true during the session:
	// the session ends when one of them is no longer true.
	Seen []string `json:"seen,omitempty" schema:"items.enum=stopPoint"`
	// StopReason is the first reason recorded for stopping, kept until the
	// session ends (a ReasonEnumType value).
	StopReason string `json:"stopReason,omitempty" schema:"enum=stoppedReason"`
	// MeterStartWh is the lifetime energy register at the start, if known.
	MeterStartWh *float64 `json:"meterStartWh,omitempty"`
	// EnergyWh is the energy delivered in this session so far.
	EnergyWh *float64 `json:"energyWh,omitempty"`
	// PowerW is the power last measured.
	PowerW *float64 `json:"powerW,omitempty"`
	// UpdatedAt is when the progress was last written (RFC 3339).
	UpdatedAt string `json:"updatedAt,omitempty" schema:"is=dateTime"`
	// StoppedReason is a ReasonEnumType value, set when the session ends.
	StoppedReason string `json:"stoppedReason,omitempty" schema:"enum=stoppedReason"`
	EndedAt       string `json:"endedAt,omitempty" schema:"is=dateTime"`
	// ChargingProfile is the profile a RequestStartTransaction carried,
	// kept with the session for smart charging.
	ChargingProfile json.RawMessage `json:"chargingProfile,omitempty" schema:"is=object"`
	// EndedSamples are the meter values sampled every TxEndedInterval
	// (MeterValueType JSON), sent with the Ended event; the newest
	// MaxEndedSamples are kept.
	EndedSamples []json.RawMessage `json:"endedSamples,omitempty" schema:"maxItems=100,items.is=object"`
	// DroppedEvents counts events that never reached the CSMS: attempts
	// spent, or periodic events given up because the outbox was full.
	DroppedEvents int `json:"droppedEvents,omitempty" schema:"minimum=0"`
	// Outbox holds TransactionEvents not yet acknowledged, in seqNo order.
	Outbox []OutboxEntry `json:"outbox,omitempty"`
}

// OutboxEntry is one TransactionEventRequest waiting for its CALLRESULT.
type OutboxEntry struct {
	SeqNo int `json:"seqNo" schema:"minimum=0"`
	// EventType is Started, Updated or Ended.
	EventType string `json:"eventType" schema:"enum=eventType"`
	Timestamp string `json:"timestamp" schema:"is=dateTime"`
	// Payload is the complete TransactionEventRequest JSON.
	Payload  json.RawMessage `json:"payload" schema:"is=object"`
	Attempts int             `json:"attempts,omitempty" schema:"minimum=0"`
	// Offline is true when the event was created while the station was
	// offline, or must be re-sent after the connection was lost.
	Offline bool `json:"offline,omitempty"`
	// Trigger is the event's triggerReason; a full outbox gives up
	// MeterValuePeriodic events first.
	Trigger string `json:"trigger,omitempty"`
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
