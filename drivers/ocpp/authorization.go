package ocpp

// Authorization (functional block C): identifiers, their status and the authorization cache.

type IdTokenEnumType string

const (
	IdTokenCentral         IdTokenEnumType = "Central"
	IdTokenEMAID           IdTokenEnumType = "eMAID"
	IdTokenISO14443        IdTokenEnumType = "ISO14443"
	IdTokenISO15693        IdTokenEnumType = "ISO15693"
	IdTokenKeyCode         IdTokenEnumType = "KeyCode"
	IdTokenLocal           IdTokenEnumType = "Local"
	IdTokenMacAddress      IdTokenEnumType = "MacAddress"
	IdTokenNoAuthorization IdTokenEnumType = "NoAuthorization"
)

type AdditionalInfoType struct {
	CustomData        *CustomDataType `json:"customData,omitempty"`
	AdditionalIDToken string          `json:"additionalIdToken" ocpp:"maxLength=36"`
	Type              string          `json:"type" ocpp:"maxLength=50"`
}

type IdTokenType struct {
	CustomData     *CustomDataType      `json:"customData,omitempty"`
	AdditionalInfo []AdditionalInfoType `json:"additionalInfo,omitempty" ocpp:"minItems=1"`
	IDToken        string               `json:"idToken" ocpp:"maxLength=36"`
	Type           IdTokenEnumType      `json:"type"`
}

type OCSPRequestDataType struct {
	CustomData     *CustomDataType       `json:"customData,omitempty"`
	HashAlgorithm  HashAlgorithmEnumType `json:"hashAlgorithm"`
	IssuerNameHash string                `json:"issuerNameHash" ocpp:"maxLength=128"`
	IssuerKeyHash  string                `json:"issuerKeyHash" ocpp:"maxLength=128"`
	SerialNumber   string                `json:"serialNumber" ocpp:"maxLength=40"`
	ResponderURL   string                `json:"responderURL" ocpp:"maxLength=512"`
}

type AuthorizationStatusEnumType string

const (
	AuthorizationStatusAccepted           AuthorizationStatusEnumType = "Accepted"
	AuthorizationStatusBlocked            AuthorizationStatusEnumType = "Blocked"
	AuthorizationStatusConcurrentTx       AuthorizationStatusEnumType = "ConcurrentTx"
	AuthorizationStatusExpired            AuthorizationStatusEnumType = "Expired"
	AuthorizationStatusInvalid            AuthorizationStatusEnumType = "Invalid"
	AuthorizationStatusNoCredit           AuthorizationStatusEnumType = "NoCredit"
	AuthorizationStatusNotAllowedTypeEVSE AuthorizationStatusEnumType = "NotAllowedTypeEVSE"
	AuthorizationStatusNotAtThisLocation  AuthorizationStatusEnumType = "NotAtThisLocation"
	AuthorizationStatusNotAtThisTime      AuthorizationStatusEnumType = "NotAtThisTime"
	AuthorizationStatusUnknown            AuthorizationStatusEnumType = "Unknown"
)

type AuthorizeCertificateStatusEnumType string

const (
	AuthorizeCertificateStatusAccepted               AuthorizeCertificateStatusEnumType = "Accepted"
	AuthorizeCertificateStatusSignatureError         AuthorizeCertificateStatusEnumType = "SignatureError"
	AuthorizeCertificateStatusCertificateExpired     AuthorizeCertificateStatusEnumType = "CertificateExpired"
	AuthorizeCertificateStatusCertificateRevoked     AuthorizeCertificateStatusEnumType = "CertificateRevoked"
	AuthorizeCertificateStatusNoCertificateAvailable AuthorizeCertificateStatusEnumType = "NoCertificateAvailable"
	AuthorizeCertificateStatusCertChainError         AuthorizeCertificateStatusEnumType = "CertChainError"
	AuthorizeCertificateStatusContractCancelled      AuthorizeCertificateStatusEnumType = "ContractCancelled"
)

type MessageFormatEnumType string

const (
	MessageFormatASCII MessageFormatEnumType = "ASCII"
	MessageFormatHTML  MessageFormatEnumType = "HTML"
	MessageFormatURI   MessageFormatEnumType = "URI"
	MessageFormatUTF8  MessageFormatEnumType = "UTF8"
)

type IdTokenInfoType struct {
	CustomData          *CustomDataType             `json:"customData,omitempty"`
	Status              AuthorizationStatusEnumType `json:"status"`
	CacheExpiryDateTime *DateTime                   `json:"cacheExpiryDateTime,omitempty"`
	ChargingPriority    *int                        `json:"chargingPriority,omitempty"`
	Language1           string                      `json:"language1,omitempty" ocpp:"maxLength=8"`
	EVSEID              []int                       `json:"evseId,omitempty" ocpp:"minItems=1"`
	GroupIDToken        *IdTokenType                `json:"groupIdToken,omitempty"`
	Language2           string                      `json:"language2,omitempty" ocpp:"maxLength=8"`
	PersonalMessage     *MessageContentType         `json:"personalMessage,omitempty"`
}

type MessageContentType struct {
	CustomData *CustomDataType       `json:"customData,omitempty"`
	Format     MessageFormatEnumType `json:"format"`
	Language   string                `json:"language,omitempty" ocpp:"maxLength=8"`
	Content    string                `json:"content" ocpp:"maxLength=512"`
}

type ClearCacheStatusEnumType string

const (
	ClearCacheStatusAccepted ClearCacheStatusEnumType = "Accepted"
	ClearCacheStatusRejected ClearCacheStatusEnumType = "Rejected"
)

// AuthorizeRequest is the payload of a Authorize CALL.
type AuthorizeRequest struct {
	CustomData                  *CustomDataType       `json:"customData,omitempty"`
	IDToken                     IdTokenType           `json:"idToken"`
	Certificate                 string                `json:"certificate,omitempty" ocpp:"maxLength=5500"`
	Iso15118CertificateHashData []OCSPRequestDataType `json:"iso15118CertificateHashData,omitempty" ocpp:"minItems=1,maxItems=4"`
}

// AuthorizeResponse is the payload of a Authorize CALLRESULT.
type AuthorizeResponse struct {
	CustomData        *CustomDataType                    `json:"customData,omitempty"`
	IDTokenInfo       IdTokenInfoType                    `json:"idTokenInfo"`
	CertificateStatus AuthorizeCertificateStatusEnumType `json:"certificateStatus,omitempty"`
}

// ClearCacheRequest is the payload of a ClearCache CALL.
type ClearCacheRequest struct {
	CustomData *CustomDataType `json:"customData,omitempty"`
}

// ClearCacheResponse is the payload of a ClearCache CALLRESULT.
type ClearCacheResponse struct {
	CustomData *CustomDataType          `json:"customData,omitempty"`
	Status     ClearCacheStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType          `json:"statusInfo,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(
		IdTokenCentral, IdTokenEMAID, IdTokenISO14443, IdTokenISO15693, IdTokenKeyCode,
		IdTokenLocal, IdTokenMacAddress, IdTokenNoAuthorization,
	)
	registerEnum(
		AuthorizationStatusAccepted, AuthorizationStatusBlocked, AuthorizationStatusConcurrentTx,
		AuthorizationStatusExpired, AuthorizationStatusInvalid, AuthorizationStatusNoCredit,
		AuthorizationStatusNotAllowedTypeEVSE, AuthorizationStatusNotAtThisLocation,
		AuthorizationStatusNotAtThisTime, AuthorizationStatusUnknown,
	)
	registerEnum(
		AuthorizeCertificateStatusAccepted, AuthorizeCertificateStatusSignatureError,
		AuthorizeCertificateStatusCertificateExpired,
		AuthorizeCertificateStatusCertificateRevoked,
		AuthorizeCertificateStatusNoCertificateAvailable,
		AuthorizeCertificateStatusCertChainError, AuthorizeCertificateStatusContractCancelled,
	)
	registerEnum(MessageFormatASCII, MessageFormatHTML, MessageFormatURI, MessageFormatUTF8)
	registerEnum(ClearCacheStatusAccepted, ClearCacheStatusRejected)
}
