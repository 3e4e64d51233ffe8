package station

import (
	"cmp"
	"slices"
	"time"
)

// The ConnectorStatusEnumType values of StatusNotification.
const (
	ConnectorAvailable   = "Available"
	ConnectorOccupied    = "Occupied"
	ConnectorReserved    = "Reserved"
	ConnectorUnavailable = "Unavailable"
	ConnectorFaulted     = "Faulted"
)

// ConnectorInput is what decides one connector's OCPP status.
type ConnectorInput struct {
	// Signals are the charger's canonical signals for the connector.
	Signals map[string]any
	// Unknown names the signals the template maps but the last poll could
	// not compute (their input did not arrive), with the reason.
	Unknown map[string]string
	// DeviceReachable is false once the device failed its retries.
	DeviceReachable bool
	// DeviceConnecting is true before the device's first poll: nothing is
	// known yet, so the connector is Unavailable, never Available.
	DeviceConnecting bool
	// Inoperative is true when ChangeAvailability made the station, the
	// EVSE or the connector Inoperative.
	Inoperative bool
	Reserved    bool
}

// flowingW is the power above which energy counts as flowing whatever the
// other signals say; below it is meter noise of an idle charger.
const flowingW = 50

// ConnectorStatus derives the status in this order: a fault (of the device
// or the charger) outranks everything, then unavailability (set by the CSMS
// or reported by the charger), then a plugged-in EV or power flowing, then
// a reservation. A signal the template does not map counts as its safe
// default (not faulted, operative, no EV). A signal the template maps but
// that is unknown now is never guessed: unless power flows, a connector
// whose fault, operative or EV state is unknown is Unavailable, because
// whether it is Available cannot be determined.
func ConnectorStatus(in ConnectorInput) string {
	powerW, _ := in.Signals["powerW"].(float64)
	flowing := flag(in.Signals, "charging", false) || powerW > flowingW
	switch {
	case !in.DeviceReachable || flag(in.Signals, "faulted", false):
		return ConnectorFaulted
	case in.Inoperative || in.DeviceConnecting || !flag(in.Signals, "operative", true):
		return ConnectorUnavailable
	case flag(in.Signals, "evConnected", false) || flowing:
		return ConnectorOccupied
	case in.Unknown["evConnected"] != "" || in.Unknown["faulted"] != "" || in.Unknown["operative"] != "":
		return ConnectorUnavailable
	case in.Reserved:
		return ConnectorReserved
	}
	return ConnectorAvailable
}

func flag(signals map[string]any, name string, def bool) bool {
	if v, ok := signals[name].(bool); ok {
		return v
	}
	return def
}

// ConnectorRef names one connector.
type ConnectorRef struct{ EVSE, Connector int }

// Reporter decides which StatusNotifications to send. It remembers what the
// CSMS was last told, so a change is sent once, and applies the rules of use
// case B04 after a reconnect.
type Reporter struct {
	sent map[ConnectorRef]string
	// offlineSince is when the connection was lost; zero while connected.
	offlineSince time.Time
}

// NewReporter starts with nothing sent: the first connection reports all.
func NewReporter() *Reporter { return &Reporter{sent: map[ConnectorRef]string{}} }

// Disconnected records when the connection was lost.
func (r *Reporter) Disconnected(at time.Time) {
	if r.offlineSince.IsZero() {
		r.offlineSince = at
	}
}

// Connected returns the notifications to send after a boot or reconnect. If
// the station was offline longer than offlineThreshold, every connector is
// reported (B04.FR.01); otherwise only those whose status changed while
// offline (B04.FR.02). After a boot (reboot true) every connector is reported.
func (r *Reporter) Connected(now time.Time, offlineThreshold time.Duration, reboot bool, current map[ConnectorRef]string) []ConnectorRef {
	all := reboot || r.offlineSince.IsZero() || now.Sub(r.offlineSince) > offlineThreshold
	r.offlineSince = time.Time{}
	if all {
		clear(r.sent)
	}
	return r.Changed(current)
}

// Changed returns the connectors whose status differs from what was last
// sent, in the order of EVSE then connector. Call Sent after each is
// acknowledged.
func (r *Reporter) Changed(current map[ConnectorRef]string) []ConnectorRef {
	var out []ConnectorRef
	for ref, status := range current {
		if r.sent[ref] != status {
			out = append(out, ref)
		}
	}
	slices.SortFunc(out, func(a, b ConnectorRef) int {
		return cmp.Or(cmp.Compare(a.EVSE, b.EVSE), cmp.Compare(a.Connector, b.Connector))
	})
	return out
}

// Sent records that the CSMS acknowledged a status.
func (r *Reporter) Sent(ref ConnectorRef, status string) { r.sent[ref] = status }
