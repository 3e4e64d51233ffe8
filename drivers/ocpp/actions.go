package ocpp

// The 64 OCPP 2.0.1 actions, spelled as they appear in CALL frames.
const (
	ActionAuthorize                         = "Authorize"
	ActionBootNotification                  = "BootNotification"
	ActionCancelReservation                 = "CancelReservation"
	ActionCertificateSigned                 = "CertificateSigned"
	ActionChangeAvailability                = "ChangeAvailability"
	ActionClearCache                        = "ClearCache"
	ActionClearChargingProfile              = "ClearChargingProfile"
	ActionClearDisplayMessage               = "ClearDisplayMessage"
	ActionClearVariableMonitoring           = "ClearVariableMonitoring"
	ActionClearedChargingLimit              = "ClearedChargingLimit"
	ActionCostUpdated                       = "CostUpdated"
	ActionCustomerInformation               = "CustomerInformation"
	ActionDataTransfer                      = "DataTransfer"
	ActionDeleteCertificate                 = "DeleteCertificate"
	ActionFirmwareStatusNotification        = "FirmwareStatusNotification"
	ActionGet15118EVCertificate             = "Get15118EVCertificate"
	ActionGetBaseReport                     = "GetBaseReport"
	ActionGetCertificateStatus              = "GetCertificateStatus"
	ActionGetChargingProfiles               = "GetChargingProfiles"
	ActionGetCompositeSchedule              = "GetCompositeSchedule"
	ActionGetDisplayMessages                = "GetDisplayMessages"
	ActionGetInstalledCertificateIds        = "GetInstalledCertificateIds"
	ActionGetLocalListVersion               = "GetLocalListVersion"
	ActionGetLog                            = "GetLog"
	ActionGetMonitoringReport               = "GetMonitoringReport"
	ActionGetReport                         = "GetReport"
	ActionGetTransactionStatus              = "GetTransactionStatus"
	ActionGetVariables                      = "GetVariables"
	ActionHeartbeat                         = "Heartbeat"
	ActionInstallCertificate                = "InstallCertificate"
	ActionLogStatusNotification             = "LogStatusNotification"
	ActionMeterValues                       = "MeterValues"
	ActionNotifyChargingLimit               = "NotifyChargingLimit"
	ActionNotifyCustomerInformation         = "NotifyCustomerInformation"
	ActionNotifyDisplayMessages             = "NotifyDisplayMessages"
	ActionNotifyEVChargingNeeds             = "NotifyEVChargingNeeds"
	ActionNotifyEVChargingSchedule          = "NotifyEVChargingSchedule"
	ActionNotifyEvent                       = "NotifyEvent"
	ActionNotifyMonitoringReport            = "NotifyMonitoringReport"
	ActionNotifyReport                      = "NotifyReport"
	ActionPublishFirmware                   = "PublishFirmware"
	ActionPublishFirmwareStatusNotification = "PublishFirmwareStatusNotification"
	ActionReportChargingProfiles            = "ReportChargingProfiles"
	ActionRequestStartTransaction           = "RequestStartTransaction"
	ActionRequestStopTransaction            = "RequestStopTransaction"
	ActionReservationStatusUpdate           = "ReservationStatusUpdate"
	ActionReserveNow                        = "ReserveNow"
	ActionReset                             = "Reset"
	ActionSecurityEventNotification         = "SecurityEventNotification"
	ActionSendLocalList                     = "SendLocalList"
	ActionSetChargingProfile                = "SetChargingProfile"
	ActionSetDisplayMessage                 = "SetDisplayMessage"
	ActionSetMonitoringBase                 = "SetMonitoringBase"
	ActionSetMonitoringLevel                = "SetMonitoringLevel"
	ActionSetNetworkProfile                 = "SetNetworkProfile"
	ActionSetVariableMonitoring             = "SetVariableMonitoring"
	ActionSetVariables                      = "SetVariables"
	ActionSignCertificate                   = "SignCertificate"
	ActionStatusNotification                = "StatusNotification"
	ActionTransactionEvent                  = "TransactionEvent"
	ActionTriggerMessage                    = "TriggerMessage"
	ActionUnlockConnector                   = "UnlockConnector"
	ActionUnpublishFirmware                 = "UnpublishFirmware"
	ActionUpdateFirmware                    = "UpdateFirmware"
)

// registry lists every action; those the gateway exchanges carry Go types.
var registry = map[string]ActionInfo{
	ActionAuthorize:                         Authorize.info(),
	ActionBootNotification:                  BootNotification.info(),
	ActionCancelReservation:                 {Name: ActionCancelReservation},
	ActionCertificateSigned:                 {Name: ActionCertificateSigned},
	ActionChangeAvailability:                ChangeAvailability.info(),
	ActionClearCache:                        ClearCache.info(),
	ActionClearChargingProfile:              ClearChargingProfile.info(),
	ActionClearDisplayMessage:               {Name: ActionClearDisplayMessage},
	ActionClearVariableMonitoring:           {Name: ActionClearVariableMonitoring},
	ActionClearedChargingLimit:              ClearedChargingLimit.info(),
	ActionCostUpdated:                       {Name: ActionCostUpdated},
	ActionCustomerInformation:               CustomerInformation.info(),
	ActionDataTransfer:                      DataTransfer.info(),
	ActionDeleteCertificate:                 DeleteCertificate.info(),
	ActionFirmwareStatusNotification:        FirmwareStatusNotification.info(),
	ActionGet15118EVCertificate:             {Name: ActionGet15118EVCertificate},
	ActionGetBaseReport:                     GetBaseReport.info(),
	ActionGetCertificateStatus:              {Name: ActionGetCertificateStatus},
	ActionGetChargingProfiles:               GetChargingProfiles.info(),
	ActionGetCompositeSchedule:              GetCompositeSchedule.info(),
	ActionGetDisplayMessages:                {Name: ActionGetDisplayMessages},
	ActionGetInstalledCertificateIds:        GetInstalledCertificateIds.info(),
	ActionGetLocalListVersion:               GetLocalListVersion.info(),
	ActionGetLog:                            GetLog.info(),
	ActionGetMonitoringReport:               {Name: ActionGetMonitoringReport},
	ActionGetReport:                         {Name: ActionGetReport},
	ActionGetTransactionStatus:              GetTransactionStatus.info(),
	ActionGetVariables:                      GetVariables.info(),
	ActionHeartbeat:                         Heartbeat.info(),
	ActionInstallCertificate:                InstallCertificate.info(),
	ActionLogStatusNotification:             LogStatusNotification.info(),
	ActionMeterValues:                       MeterValues.info(),
	ActionNotifyChargingLimit:               NotifyChargingLimit.info(),
	ActionNotifyCustomerInformation:         NotifyCustomerInformation.info(),
	ActionNotifyDisplayMessages:             {Name: ActionNotifyDisplayMessages},
	ActionNotifyEVChargingNeeds:             {Name: ActionNotifyEVChargingNeeds},
	ActionNotifyEVChargingSchedule:          {Name: ActionNotifyEVChargingSchedule},
	ActionNotifyEvent:                       NotifyEvent.info(),
	ActionNotifyMonitoringReport:            {Name: ActionNotifyMonitoringReport},
	ActionNotifyReport:                      NotifyReport.info(),
	ActionPublishFirmware:                   {Name: ActionPublishFirmware},
	ActionPublishFirmwareStatusNotification: {Name: ActionPublishFirmwareStatusNotification},
	ActionReportChargingProfiles:            ReportChargingProfiles.info(),
	ActionRequestStartTransaction:           RequestStartTransaction.info(),
	ActionRequestStopTransaction:            RequestStopTransaction.info(),
	ActionReservationStatusUpdate:           {Name: ActionReservationStatusUpdate},
	ActionReserveNow:                        {Name: ActionReserveNow},
	ActionReset:                             Reset.info(),
	ActionSecurityEventNotification:         SecurityEventNotification.info(),
	ActionSendLocalList:                     SendLocalList.info(),
	ActionSetChargingProfile:                SetChargingProfile.info(),
	ActionSetDisplayMessage:                 {Name: ActionSetDisplayMessage},
	ActionSetMonitoringBase:                 {Name: ActionSetMonitoringBase},
	ActionSetMonitoringLevel:                {Name: ActionSetMonitoringLevel},
	ActionSetNetworkProfile:                 SetNetworkProfile.info(),
	ActionSetVariableMonitoring:             {Name: ActionSetVariableMonitoring},
	ActionSetVariables:                      SetVariables.info(),
	ActionSignCertificate:                   {Name: ActionSignCertificate},
	ActionStatusNotification:                StatusNotification.info(),
	ActionTransactionEvent:                  TransactionEvent.info(),
	ActionTriggerMessage:                    TriggerMessage.info(),
	ActionUnlockConnector:                   UnlockConnector.info(),
	ActionUnpublishFirmware:                 {Name: ActionUnpublishFirmware},
	ActionUpdateFirmware:                    UpdateFirmware.info(),
}
