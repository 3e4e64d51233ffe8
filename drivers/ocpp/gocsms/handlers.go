package gocsms

import (
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/authorization"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/availability"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/data"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/diagnostics"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/firmware"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/meter"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/security"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/transactions"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
)

// handlers answer what a station sends; the tap has recorded it already.
type handlers struct{ c *CSMS }

func (h handlers) OnBootNotification(string, *provisioning.BootNotificationRequest) (*provisioning.BootNotificationResponse, error) {
	return h.c.bootAnswer(), nil
}

func (h handlers) OnNotifyReport(string, *provisioning.NotifyReportRequest) (*provisioning.NotifyReportResponse, error) {
	return provisioning.NewNotifyReportResponse(), nil
}

func (h handlers) OnHeartbeat(string, *availability.HeartbeatRequest) (*availability.HeartbeatResponse, error) {
	return availability.NewHeartbeatResponse(*types.NewDateTime(h.c.now())), nil
}

func (h handlers) OnStatusNotification(string, *availability.StatusNotificationRequest) (*availability.StatusNotificationResponse, error) {
	return availability.NewStatusNotificationResponse(), nil
}

func (h handlers) OnAuthorize(_ string, req *authorization.AuthorizeRequest) (*authorization.AuthorizeResponse, error) {
	return authorization.NewAuthorizationResponse(*types.NewIdTokenInfo(h.c.authorizeStatus(req.IdToken.IdToken))), nil
}

func (h handlers) OnTransactionEvent(_ string, req *transactions.TransactionEventRequest) (*transactions.TransactionEventResponse, error) {
	return h.c.transactionEventAnswer(req), nil
}

func (h handlers) OnMeterValues(string, *meter.MeterValuesRequest) (*meter.MeterValuesResponse, error) {
	return meter.NewMeterValuesResponse(), nil
}

func (h handlers) OnSecurityEventNotification(string, *security.SecurityEventNotificationRequest) (*security.SecurityEventNotificationResponse, error) {
	return security.NewSecurityEventNotificationResponse(), nil
}

func (h handlers) OnSignCertificate(string, *security.SignCertificateRequest) (*security.SignCertificateResponse, error) {
	return security.NewSignCertificateResponse(types.GenericStatusRejected), nil
}

func (h handlers) OnFirmwareStatusNotification(string, *firmware.FirmwareStatusNotificationRequest) (*firmware.FirmwareStatusNotificationResponse, error) {
	return firmware.NewFirmwareStatusNotificationResponse(), nil
}

func (h handlers) OnPublishFirmwareStatusNotification(string, *firmware.PublishFirmwareStatusNotificationRequest) (*firmware.PublishFirmwareStatusNotificationResponse, error) {
	return firmware.NewPublishFirmwareStatusNotificationResponse(), nil
}

func (h handlers) OnLogStatusNotification(string, *diagnostics.LogStatusNotificationRequest) (*diagnostics.LogStatusNotificationResponse, error) {
	return diagnostics.NewLogStatusNotificationResponse(), nil
}

func (h handlers) OnNotifyCustomerInformation(string, *diagnostics.NotifyCustomerInformationRequest) (*diagnostics.NotifyCustomerInformationResponse, error) {
	return diagnostics.NewNotifyCustomerInformationResponse(), nil
}

func (h handlers) OnNotifyEvent(string, *diagnostics.NotifyEventRequest) (*diagnostics.NotifyEventResponse, error) {
	return diagnostics.NewNotifyEventResponse(), nil
}

func (h handlers) OnNotifyMonitoringReport(string, *diagnostics.NotifyMonitoringReportRequest) (*diagnostics.NotifyMonitoringReportResponse, error) {
	return diagnostics.NewNotifyMonitoringReportResponse(), nil
}

func (h handlers) OnDataTransfer(string, *data.DataTransferRequest) (*data.DataTransferResponse, error) {
	return data.NewDataTransferResponse(data.DataTransferStatusUnknownVendorId), nil
}
