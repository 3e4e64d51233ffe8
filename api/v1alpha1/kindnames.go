package v1alpha1

// The kinds this API version serves. Every package names a kind through
// these constants, never through a string literal.
const (
	KindCSMS            = "CSMS"
	KindBus             = "Bus"
	KindSecret          = "Secret"
	KindTemplate        = "Template"
	KindCharger         = "Charger"
	KindChargingProfile = "ChargingProfile"
	KindTransaction     = "Transaction"
	KindToken           = "Token"
)
