package ocpp

// Certificate management (functional block M).

type HashAlgorithmEnumType string

const (
	HashAlgorithmSHA256 HashAlgorithmEnumType = "SHA256"
	HashAlgorithmSHA384 HashAlgorithmEnumType = "SHA384"
	HashAlgorithmSHA512 HashAlgorithmEnumType = "SHA512"
)

type InstallCertificateUseEnumType string

const (
	InstallCertificateUseV2GRootCertificate          InstallCertificateUseEnumType = "V2GRootCertificate"
	InstallCertificateUseMORootCertificate           InstallCertificateUseEnumType = "MORootCertificate"
	InstallCertificateUseCSMSRootCertificate         InstallCertificateUseEnumType = "CSMSRootCertificate"
	InstallCertificateUseManufacturerRootCertificate InstallCertificateUseEnumType = "ManufacturerRootCertificate"
)

type InstallCertificateStatusEnumType string

const (
	InstallCertificateStatusAccepted InstallCertificateStatusEnumType = "Accepted"
	InstallCertificateStatusRejected InstallCertificateStatusEnumType = "Rejected"
	InstallCertificateStatusFailed   InstallCertificateStatusEnumType = "Failed"
)

type GetCertificateIdUseEnumType string

const (
	GetCertificateIdUseV2GRootCertificate          GetCertificateIdUseEnumType = "V2GRootCertificate"
	GetCertificateIdUseMORootCertificate           GetCertificateIdUseEnumType = "MORootCertificate"
	GetCertificateIdUseCSMSRootCertificate         GetCertificateIdUseEnumType = "CSMSRootCertificate"
	GetCertificateIdUseV2GCertificateChain         GetCertificateIdUseEnumType = "V2GCertificateChain"
	GetCertificateIdUseManufacturerRootCertificate GetCertificateIdUseEnumType = "ManufacturerRootCertificate"
)

type GetInstalledCertificateStatusEnumType string

const (
	GetInstalledCertificateStatusAccepted GetInstalledCertificateStatusEnumType = "Accepted"
	GetInstalledCertificateStatusNotFound GetInstalledCertificateStatusEnumType = "NotFound"
)

type CertificateHashDataChainType struct {
	CustomData               *CustomDataType             `json:"customData,omitempty"`
	CertificateHashData      CertificateHashDataType     `json:"certificateHashData"`
	CertificateType          GetCertificateIdUseEnumType `json:"certificateType"`
	ChildCertificateHashData []CertificateHashDataType   `json:"childCertificateHashData,omitempty" ocpp:"minItems=1,maxItems=4"`
}

type CertificateHashDataType struct {
	CustomData     *CustomDataType       `json:"customData,omitempty"`
	HashAlgorithm  HashAlgorithmEnumType `json:"hashAlgorithm"`
	IssuerNameHash string                `json:"issuerNameHash" ocpp:"maxLength=128"`
	IssuerKeyHash  string                `json:"issuerKeyHash" ocpp:"maxLength=128"`
	SerialNumber   string                `json:"serialNumber" ocpp:"maxLength=40"`
}

type DeleteCertificateStatusEnumType string

const (
	DeleteCertificateStatusAccepted DeleteCertificateStatusEnumType = "Accepted"
	DeleteCertificateStatusFailed   DeleteCertificateStatusEnumType = "Failed"
	DeleteCertificateStatusNotFound DeleteCertificateStatusEnumType = "NotFound"
)

// InstallCertificateRequest is the payload of a InstallCertificate CALL.
type InstallCertificateRequest struct {
	CustomData      *CustomDataType               `json:"customData,omitempty"`
	CertificateType InstallCertificateUseEnumType `json:"certificateType"`
	Certificate     string                        `json:"certificate" ocpp:"maxLength=5500"`
}

// InstallCertificateResponse is the payload of a InstallCertificate CALLRESULT.
type InstallCertificateResponse struct {
	CustomData *CustomDataType                  `json:"customData,omitempty"`
	Status     InstallCertificateStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType                  `json:"statusInfo,omitempty"`
}

// GetInstalledCertificateIdsRequest is the payload of a GetInstalledCertificateIds CALL.
type GetInstalledCertificateIdsRequest struct {
	CustomData      *CustomDataType               `json:"customData,omitempty"`
	CertificateType []GetCertificateIdUseEnumType `json:"certificateType,omitempty" ocpp:"minItems=1"`
}

// GetInstalledCertificateIdsResponse is the payload of a GetInstalledCertificateIds CALLRESULT.
type GetInstalledCertificateIdsResponse struct {
	CustomData               *CustomDataType                       `json:"customData,omitempty"`
	Status                   GetInstalledCertificateStatusEnumType `json:"status"`
	StatusInfo               *StatusInfoType                       `json:"statusInfo,omitempty"`
	CertificateHashDataChain []CertificateHashDataChainType        `json:"certificateHashDataChain,omitempty" ocpp:"minItems=1"`
}

// DeleteCertificateRequest is the payload of a DeleteCertificate CALL.
type DeleteCertificateRequest struct {
	CustomData          *CustomDataType         `json:"customData,omitempty"`
	CertificateHashData CertificateHashDataType `json:"certificateHashData"`
}

// DeleteCertificateResponse is the payload of a DeleteCertificate CALLRESULT.
type DeleteCertificateResponse struct {
	CustomData *CustomDataType                 `json:"customData,omitempty"`
	Status     DeleteCertificateStatusEnumType `json:"status"`
	StatusInfo *StatusInfoType                 `json:"statusInfo,omitempty"`
}

// init records the value set of each enum type above for EnumValues.
func init() {
	registerEnum(HashAlgorithmSHA256, HashAlgorithmSHA384, HashAlgorithmSHA512)
	registerEnum(
		InstallCertificateUseV2GRootCertificate, InstallCertificateUseMORootCertificate,
		InstallCertificateUseCSMSRootCertificate,
		InstallCertificateUseManufacturerRootCertificate,
	)
	registerEnum(
		InstallCertificateStatusAccepted, InstallCertificateStatusRejected,
		InstallCertificateStatusFailed,
	)
	registerEnum(
		GetCertificateIdUseV2GRootCertificate, GetCertificateIdUseMORootCertificate,
		GetCertificateIdUseCSMSRootCertificate, GetCertificateIdUseV2GCertificateChain,
		GetCertificateIdUseManufacturerRootCertificate,
	)
	registerEnum(GetInstalledCertificateStatusAccepted, GetInstalledCertificateStatusNotFound)
	registerEnum(
		DeleteCertificateStatusAccepted, DeleteCertificateStatusFailed,
		DeleteCertificateStatusNotFound,
	)
}
