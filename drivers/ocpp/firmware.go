package ocpp

// Firmware management (functional block L).

type FirmwareType struct {
	CustomData         *CustomDataType `json:"customData,omitempty"`
	Location           string          `json:"location" ocpp:"maxLength=512"`
	RetrieveDateTime   DateTime        `json:"retrieveDateTime"`
	InstallDateTime    *DateTime       `json:"installDateTime,omitempty"`
	SigningCertificate string          `json:"signingCertificate,omitempty" ocpp:"maxLength=5500"`
	Signature          string          `json:"signature,omitempty" ocpp:"maxLength=800"`
}

type UpdateFirmwareStatusEnumType string

const (
	UpdateFirmwareStatusAccepted           UpdateFirmwareStatusEnumType = "Accepted"
	UpdateFirmwareStatusRejected           UpdateFirmwareStatusEnumType = "Rejected"
	UpdateFirmwareStatusAcceptedCanceled   UpdateFirmwareStatusEnumType = "AcceptedCanceled"
	UpdateFirmwareStatusInvalidCertificate UpdateFirmwareStatusEnumType = "InvalidCertificate"
	UpdateFirmwareStatusRevokedCertificate UpdateFirmwareStatusEnumType = "RevokedCertificate"
)

type FirmwareStatusEnumType string

const (
	FirmwareStatusDownloaded                FirmwareStatusEnumType = "Downloaded"
	FirmwareStatusDownloadFailed            FirmwareStatusEnumType = "DownloadFailed"
	FirmwareStatusDownloading               FirmwareStatusEnumType = "Downloading"
	FirmwareStatusDownloadScheduled         FirmwareStatusEnumType = "DownloadScheduled"
	FirmwareStatusDownloadPaused            FirmwareStatusEnumType = "DownloadPaused"
	FirmwareStatusIdle                      FirmwareStatusEnumType = "Idle"
	FirmwareStatusInstallationFailed        FirmwareStatusEnumType = "InstallationFailed"
	FirmwareStatusInstalling                FirmwareStatusEnumType = "Installing"
	FirmwareStatusInstalled                 FirmwareStatusEnumType = "Installed"
	FirmwareStatusInstallRebooting          FirmwareStatusEnumType = "InstallRebooting"
	FirmwareStatusInstallScheduled          FirmwareStatusEnumType = "InstallScheduled"
	FirmwareStatusInstallVerificationFailed FirmwareStatusEnumType = "InstallVerificationFailed"
	FirmwareStatusInvalidSignature          FirmwareStatusEnumType = "InvalidSignature"
	FirmwareStatusSignatureVerified         FirmwareStatusEnumType = "SignatureVerified"
)

// UpdateFirmwareRequest is the payload of a UpdateFirmware CALL.
type UpdateFirmwareRequest struct {
	CustomData    *CustomDataType `json:"customData,omitempty"`
	Retries       *int            `json:"retries,omitempty"`
	RetryInterval *int            `json:"retryInterval,omitempty"`
	RequestID     int             `json:"requestId"`
	Firmware      FirmwareType    `json:"firmware"`
}

// UpdateFirmwareResponse is the payload of a UpdateFirmware CALLRESULT.
type UpdateFirmwareResponse struct {
	CustomData *CustomDataType              `json:"customData,omitempty"`
	Status     UpdateFirmwareStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType              `json:"statusInfo,omitempty"`
}

// FirmwareStatusNotificationRequest is the payload of a FirmwareStatusNotification CALL.
type FirmwareStatusNotificationRequest struct {
	CustomData *CustomDataType        `json:"customData,omitempty"`
	Status     FirmwareStatusEnumType `json:"status"`
	RequestID  *int                   `json:"requestId,omitempty"`
}

// FirmwareStatusNotificationResponse is the payload of a FirmwareStatusNotification CALLRESULT.
type FirmwareStatusNotificationResponse struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(
		UpdateFirmwareStatusAccepted, UpdateFirmwareStatusRejected,
		UpdateFirmwareStatusAcceptedCanceled, UpdateFirmwareStatusInvalidCertificate,
		UpdateFirmwareStatusRevokedCertificate,
	)
	registerEnum(
		FirmwareStatusDownloaded, FirmwareStatusDownloadFailed, FirmwareStatusDownloading,
		FirmwareStatusDownloadScheduled, FirmwareStatusDownloadPaused, FirmwareStatusIdle,
		FirmwareStatusInstallationFailed, FirmwareStatusInstalling, FirmwareStatusInstalled,
		FirmwareStatusInstallRebooting, FirmwareStatusInstallScheduled,
		FirmwareStatusInstallVerificationFailed, FirmwareStatusInvalidSignature,
		FirmwareStatusSignatureVerified,
	)
}
