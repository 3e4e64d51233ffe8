package station

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/metrics"
)

// Config is everything one station is built from. Two stations with equal
// Keys behave the same; a change of Key makes the controller replace the
// station (disconnect, connect with the new settings).
type Config struct {
	Charger   string // the Charger resource
	StationID string
	// URL is the CSMS endpoint; the station id is appended.
	URL             string
	SecurityProfile int
	// Password is the Basic-auth password (profiles 1 and 2): the one the
	// CSMS set through SetVariables if any, else the CSMS resource's.
	Password string `json:"-"`
	// RootCAs is the CSMS root bundle (PEM) of profiles 2 and 3; ClientCert
	// and ClientKey the station certificate of profile 3. The TLS
	// configuration is built from them at each dial, with the wildcard rule
	// of SecurityCtrlr.AllowCSMSTLSWildcards as it is then. They are
	// strings taken from the cached CSMS and Secret objects, so the stations
	// of one CSMS share one copy of a bundle instead of each holding its own.
	RootCAs, ClientCert, ClientKey string `json:"-"`
	// TLSKey identifies the TLS inputs in Key: a digest.
	TLSKey string
	Boot   ocpp.ChargingStationType
	Layout devicemodel.Layout
	// Variables are initial device-model values, CSMS resource first, then
	// the Charger's spec.ocpp.variables.
	Variables []v1alpha1.OCPPVariable
	// Seed makes the random part of the reconnect back-off this station's
	// own. The back-off itself is OCPPCommCtrlr.RetryBackOff*.
	Seed uint64
	// Auth is how sessions are authorized; Reader is whether the template
	// maps idToken (a card reader).
	Auth   AuthConfig
	Reader bool
	// OutboxLimit bounds the TransactionEvents queued for the CSMS; 0 is
	// DefaultOutboxLimit.
	OutboxLimit int
	// Limits is how the station limits the charger's current.
	Limits LimitConfig
	// Metrics records the station's connection, messages and energy; nil:
	// none. It is not part of Key.
	Metrics *metrics.Station `json:"-"`
}

// LimitConfig is what smart charging needs to know about the charger.
type LimitConfig struct {
	// Command is the template's setCurrentLimit, else its setPowerLimit;
	// "" when it has neither, and then the station has no smart charging.
	Command string
	// Readback: the template maps currentLimitA, the limit the charger
	// reports having.
	Readback bool
	// Supply is the charger's spec.electrical with defaults.
	Supply v1alpha1.Electrical
}

// AuthConfig is a charger's authorization mode, resolved.
type AuthConfig struct {
	// Mode is v1alpha1.AuthCSMS, AuthLocalReader or AuthAutoStart.
	Mode string
	// Token is the AutoStart token.
	Token ocpp.IdTokenType
}

// DefaultOutboxLimit is the queued events a station keeps by default: at
// one periodic event a minute for 10 sessions, well over an hour offline,
// and Started/Ended are never given up.
const DefaultOutboxLimit = 1000

// Key identifies the configuration but for the password, which a running
// station takes with SetPassword (it reconnects, it does not reboot). The
// TLS inputs count through TLSKey. It is a digest of the encoded config,
// so that a running station keeps 32 bytes for it, not the encoding
// (about 1.3 KB).
func (c Config) Key() [sha256.Size]byte {
	b, _ := json.Marshal(c)
	return sha256.Sum256(b)
}

// Persisted is what the CSMS set for a station that must survive a restart:
// it is loaded from the Charger's status.ocpp when the station starts.
type Persisted struct {
	Variables       []v1alpha1.OCPPVariable
	Availability    []v1alpha1.AvailabilityStatus
	NetworkProfiles []v1alpha1.NetworkProfile
}

// digest names secret inputs in a Key without holding them.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
