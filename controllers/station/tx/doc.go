// Package tx is the OCPP 2.0.1 transaction state machine of one EVSE
// (functional block E): the charger's signals, the authorization and the
// TxCtrlr settings go in; TransactionEvents (as Event values: type,
// triggerReason, chargingState, stoppedReason) come out. It does no I/O:
// the station persists and sends what it returns, which keeps every rule
// of TxStartPoint, TxStopPoint, EVConnectionTimeOut and the stop reasons
// testable on its own.
package tx
