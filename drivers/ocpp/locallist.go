package ocpp

// Local authorization list management (functional block D).

type UpdateEnumType string

const (
	UpdateDifferential UpdateEnumType = "Differential"
	UpdateFull         UpdateEnumType = "Full"
)

type AuthorizationData struct {
	CustomData  *CustomDataType  `json:"customData,omitempty"`
	IDToken     IdTokenType      `json:"idToken"`
	IDTokenInfo *IdTokenInfoType `json:"idTokenInfo,omitempty"`
}

type SendLocalListStatusEnumType string

const (
	SendLocalListStatusAccepted        SendLocalListStatusEnumType = "Accepted"
	SendLocalListStatusFailed          SendLocalListStatusEnumType = "Failed"
	SendLocalListStatusVersionMismatch SendLocalListStatusEnumType = "VersionMismatch"
)

// GetLocalListVersionRequest is the payload of a GetLocalListVersion CALL.
type GetLocalListVersionRequest struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// GetLocalListVersionResponse is the payload of a GetLocalListVersion CALLRESULT.
type GetLocalListVersionResponse struct {
	CustomData    *CustomDataType `json:"customData,omitempty"`
	VersionNumber int             `json:"versionNumber"`
}

// SendLocalListRequest is the payload of a SendLocalList CALL.
type SendLocalListRequest struct {
	CustomData             *CustomDataType     `json:"customData,omitempty"`
	LocalAuthorizationList []AuthorizationData `json:"localAuthorizationList,omitempty" ocpp:"minItems=1"`
	VersionNumber          int                 `json:"versionNumber"`
	UpdateType             UpdateEnumType      `json:"updateType"`
}

// SendLocalListResponse is the payload of a SendLocalList CALLRESULT.
type SendLocalListResponse struct {
	CustomData *CustomDataType             `json:"customData,omitempty"`
	Status     SendLocalListStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType             `json:"statusInfo,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(UpdateDifferential, UpdateFull)
	registerEnum(
		SendLocalListStatusAccepted, SendLocalListStatusFailed,
		SendLocalListStatusVersionMismatch,
	)
}
