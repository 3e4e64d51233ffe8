package ocpp

// Action ties an action name to its Go request and response types. The
// values below are the only ones: a handler registered with Handle for
// GetVariables must take a *GetVariablesRequest and return a
// *GetVariablesResponse, or the program does not compile.
type Action[Req, Resp any] struct{ name string }

// Name is the action as spelled in CALL frames, e.g. "GetVariables".
func (a Action[Req, Resp]) Name() string { return a.name }

// info is the registry's entry for the action.
func (a Action[Req, Resp]) info() ActionInfo {
	return ActionInfo{
		Name:        a.name,
		newRequest:  func() any { return new(Req) },
		newResponse: func() any { return new(Resp) },
	}
}

// The actions the project has Go types for, in both directions.
var (
	Authorize                  = Action[AuthorizeRequest, AuthorizeResponse]{name: ActionAuthorize}
	BootNotification           = Action[BootNotificationRequest, BootNotificationResponse]{name: ActionBootNotification}
	ChangeAvailability         = Action[ChangeAvailabilityRequest, ChangeAvailabilityResponse]{name: ActionChangeAvailability}
	ClearCache                 = Action[ClearCacheRequest, ClearCacheResponse]{name: ActionClearCache}
	ClearChargingProfile       = Action[ClearChargingProfileRequest, ClearChargingProfileResponse]{name: ActionClearChargingProfile}
	ClearedChargingLimit       = Action[ClearedChargingLimitRequest, ClearedChargingLimitResponse]{name: ActionClearedChargingLimit}
	CustomerInformation        = Action[CustomerInformationRequest, CustomerInformationResponse]{name: ActionCustomerInformation}
	DataTransfer               = Action[DataTransferRequest, DataTransferResponse]{name: ActionDataTransfer}
	DeleteCertificate          = Action[DeleteCertificateRequest, DeleteCertificateResponse]{name: ActionDeleteCertificate}
	FirmwareStatusNotification = Action[FirmwareStatusNotificationRequest, FirmwareStatusNotificationResponse]{name: ActionFirmwareStatusNotification}
	GetBaseReport              = Action[GetBaseReportRequest, GetBaseReportResponse]{name: ActionGetBaseReport}
	GetChargingProfiles        = Action[GetChargingProfilesRequest, GetChargingProfilesResponse]{name: ActionGetChargingProfiles}
	GetCompositeSchedule       = Action[GetCompositeScheduleRequest, GetCompositeScheduleResponse]{name: ActionGetCompositeSchedule}
	GetInstalledCertificateIds = Action[GetInstalledCertificateIdsRequest, GetInstalledCertificateIdsResponse]{name: ActionGetInstalledCertificateIds}
	GetLocalListVersion        = Action[GetLocalListVersionRequest, GetLocalListVersionResponse]{name: ActionGetLocalListVersion}
	GetLog                     = Action[GetLogRequest, GetLogResponse]{name: ActionGetLog}
	GetTransactionStatus       = Action[GetTransactionStatusRequest, GetTransactionStatusResponse]{name: ActionGetTransactionStatus}
	GetVariables               = Action[GetVariablesRequest, GetVariablesResponse]{name: ActionGetVariables}
	Heartbeat                  = Action[HeartbeatRequest, HeartbeatResponse]{name: ActionHeartbeat}
	InstallCertificate         = Action[InstallCertificateRequest, InstallCertificateResponse]{name: ActionInstallCertificate}
	LogStatusNotification      = Action[LogStatusNotificationRequest, LogStatusNotificationResponse]{name: ActionLogStatusNotification}
	MeterValues                = Action[MeterValuesRequest, MeterValuesResponse]{name: ActionMeterValues}
	NotifyChargingLimit        = Action[NotifyChargingLimitRequest, NotifyChargingLimitResponse]{name: ActionNotifyChargingLimit}
	NotifyCustomerInformation  = Action[NotifyCustomerInformationRequest, NotifyCustomerInformationResponse]{name: ActionNotifyCustomerInformation}
	NotifyEvent                = Action[NotifyEventRequest, NotifyEventResponse]{name: ActionNotifyEvent}
	NotifyReport               = Action[NotifyReportRequest, NotifyReportResponse]{name: ActionNotifyReport}
	ReportChargingProfiles     = Action[ReportChargingProfilesRequest, ReportChargingProfilesResponse]{name: ActionReportChargingProfiles}
	RequestStartTransaction    = Action[RequestStartTransactionRequest, RequestStartTransactionResponse]{name: ActionRequestStartTransaction}
	RequestStopTransaction     = Action[RequestStopTransactionRequest, RequestStopTransactionResponse]{name: ActionRequestStopTransaction}
	Reset                      = Action[ResetRequest, ResetResponse]{name: ActionReset}
	SecurityEventNotification  = Action[SecurityEventNotificationRequest, SecurityEventNotificationResponse]{name: ActionSecurityEventNotification}
	SendLocalList              = Action[SendLocalListRequest, SendLocalListResponse]{name: ActionSendLocalList}
	SetChargingProfile         = Action[SetChargingProfileRequest, SetChargingProfileResponse]{name: ActionSetChargingProfile}
	SetNetworkProfile          = Action[SetNetworkProfileRequest, SetNetworkProfileResponse]{name: ActionSetNetworkProfile}
	SetVariables               = Action[SetVariablesRequest, SetVariablesResponse]{name: ActionSetVariables}
	StatusNotification         = Action[StatusNotificationRequest, StatusNotificationResponse]{name: ActionStatusNotification}
	TransactionEvent           = Action[TransactionEventRequest, TransactionEventResponse]{name: ActionTransactionEvent}
	TriggerMessage             = Action[TriggerMessageRequest, TriggerMessageResponse]{name: ActionTriggerMessage}
	UnlockConnector            = Action[UnlockConnectorRequest, UnlockConnectorResponse]{name: ActionUnlockConnector}
	UpdateFirmware             = Action[UpdateFirmwareRequest, UpdateFirmwareResponse]{name: ActionUpdateFirmware}
)
