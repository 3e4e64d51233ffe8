package station

import (
	"context"

	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// dispatch routes the CSMS's CALLs to the station's handlers, each
// registered with its action's request and response types. It is built
// once and shared by every station (Serve takes the station). An action
// without a handler is answered NotSupported by the Mux; claims.go lists
// what the station claims, and a test holds the two together.
var dispatch = newDispatch()

func newDispatch() *ocpp.Mux[*Station] {
	m := ocpp.NewMux[*Station]()
	// Provisioning (B) and the device model.
	ocpp.Handle(m, ocpp.GetVariables, (*Station).onGetVariables)
	ocpp.Handle(m, ocpp.SetVariables, (*Station).onSetVariables)
	ocpp.Handle(m, ocpp.GetBaseReport, (*Station).onGetBaseReport)
	ocpp.Handle(m, ocpp.Reset, (*Station).onReset)
	ocpp.Handle(m, ocpp.SetNetworkProfile, (*Station).onSetNetworkProfile)
	// Availability (G), remote control (F), transactions (E).
	ocpp.Handle(m, ocpp.ChangeAvailability, (*Station).onChangeAvailability)
	ocpp.Handle(m, ocpp.TriggerMessage, (*Station).onTriggerMessage)
	ocpp.Handle(m, ocpp.UnlockConnector, (*Station).onUnlockConnector)
	ocpp.Handle(m, ocpp.RequestStartTransaction, (*Station).onRequestStart)
	ocpp.Handle(m, ocpp.RequestStopTransaction, (*Station).onRequestStop)
	ocpp.Handle(m, ocpp.GetTransactionStatus, (*Station).onGetTransactionStatus)
	// Data transfer (P).
	ocpp.Handle(m, ocpp.DataTransfer, (*Station).onDataTransfer)
	// Smart charging (K).
	ocpp.Handle(m, ocpp.SetChargingProfile, (*Station).onSetChargingProfile)
	ocpp.Handle(m, ocpp.ClearChargingProfile, (*Station).onClearChargingProfile)
	ocpp.Handle(m, ocpp.GetChargingProfiles, (*Station).onGetChargingProfiles)
	ocpp.Handle(m, ocpp.GetCompositeSchedule, (*Station).onGetCompositeSchedule)
	return m
}

// onDataTransfer (P01): the gateway knows no vendor extension, so every
// DataTransfer is UnknownVendorId.
func (s *Station) onDataTransfer(context.Context, *ocpp.DataTransferRequest) (*ocpp.DataTransferResponse, func(), error) {
	return &ocpp.DataTransferResponse{Status: ocpp.DataTransferStatusUnknownVendorId}, nil, nil
}
