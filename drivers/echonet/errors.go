package echonet

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// ErrTimeout is matched (errors.Is) by every TimeoutError.
var ErrTimeout = errors.New("echonet: no response")

// TimeoutError says that a device stayed silent through every try, or
// through the tries the caller's deadline left room for. Silence is a
// normal outcome in ECHONET Lite: a device drops requests for objects it
// does not have.
type TimeoutError struct {
	To    netip.AddrPort
	EOJ   EOJ
	ESV   ESV
	Tries int           // tries sent
	Wait  time.Duration // per try
	// Planned is the number of tries the client meant to make. It exceeds
	// Tries when the caller's context ended the call first.
	Planned int
	// Cause is the caller's context error (context.DeadlineExceeded) when
	// the context, not the last try's wait, ended the call; nil otherwise.
	// errors.Is sees through to it.
	Cause error
	// Budget is what the caller's deadline allowed, measured when the call
	// started; zero when the context had no deadline.
	Budget time.Duration
}

func (e *TimeoutError) Error() string {
	msg := fmt.Sprintf("echonet: no response to %v of %v from %v", e.ESV, e.EOJ, e.To)
	if e.Cause == nil {
		return fmt.Sprintf("%s after %d tries of %v", msg, e.Tries, e.Wait)
	}
	need := time.Duration(e.Planned) * e.Wait
	return fmt.Sprintf("%s after %d of %d tries of %v: the caller's deadline (%v) is shorter than the %v the tries need (%v)",
		msg, e.Tries, e.Planned, e.Wait, e.Budget.Round(time.Millisecond), need, e.Cause)
}

// Is makes every TimeoutError match ErrTimeout.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// Unwrap returns the context error that ended the call, if any.
func (e *TimeoutError) Unwrap() error { return e.Cause }

// Absence says how a requested property failed to arrive in a Get reply.
type Absence uint8

// The ways a Get reply can leave a requested property out.
const (
	// AbsentSNA: Get_SNA with PDC 0, the device could not read it.
	AbsentSNA Absence = iota + 1
	// AbsentEmpty: Get_Res carrying the EPC with PDC 0, which some devices
	// send instead of Get_SNA (uecho-go for unset properties).
	AbsentEmpty
	// AbsentOmitted: the reply did not carry the EPC at all (fewer
	// properties than asked).
	AbsentOmitted
	// AbsentWrongSize: the EDT's length is not the one the specification
	// defines for the property (EDTSize), e.g. one byte short, so its value
	// cannot be read.
	AbsentWrongSize
)

func (a Absence) String() string {
	switch a {
	case AbsentSNA:
		return "Get_SNA, PDC 0"
	case AbsentEmpty:
		return "Get_Res with PDC 0"
	case AbsentOmitted:
		return "missing from the reply"
	case AbsentWrongSize:
		return "wrong size"
	}
	return fmt.Sprintf("Absence(%d)", byte(a))
}

// Unavailable is one requested EPC that did not arrive, and how.
type Unavailable struct {
	EPC byte
	Why Absence
	// EDT is the data that came with AbsentWrongSize, for the log.
	EDT []byte
}

// describe renders u for the error of a Get from an object of class.
func (u Unavailable) describe(class uint16) string {
	if u.Why != AbsentWrongSize {
		return fmt.Sprintf("0x%02X (%v)", u.EPC, u.Why)
	}
	return fmt.Sprintf("0x%02X (%v: %d bytes %X, the class defines %s)", u.EPC, u.Why, len(u.EDT), u.EDT, sizeText(class, u.EPC))
}

// SNAError is a device's "service not available" reply: some properties
// were refused (Set) or did not arrive (Get).
type SNAError struct {
	From    netip.AddrPort
	EOJ     EOJ
	ESV     ESV    // the reply's service code, e.g. SetC_SNA
	Refused []byte // EPCs the device did not process
	// Missing gives, for a Get, each EPC of Refused with how it failed to
	// arrive; nil for the other services.
	Missing []Unavailable
}

func (e *SNAError) Error() string {
	if len(e.Missing) > 0 {
		parts := make([]string, len(e.Missing))
		for i, m := range e.Missing {
			parts[i] = m.describe(e.EOJ.Class())
		}
		return fmt.Sprintf("echonet: %v at %v did not return EPC %s", e.EOJ, e.From, strings.Join(parts, ", "))
	}
	verb := "refused"
	if e.ESV == GetSNA || e.ESV == GetRes {
		verb = "could not read"
	}
	return fmt.Sprintf("echonet: %v at %v %s EPC %s (%v)", e.EOJ, e.From, verb, hexList(e.Refused), e.ESV)
}

// getError is the *SNAError of a Get reply from eoj that did not return
// the missing EPCs; nil when none is missing.
func getError(from netip.AddrPort, eoj EOJ, esv ESV, missing []Unavailable) error {
	if len(missing) == 0 {
		return nil
	}
	e := &SNAError{From: from, EOJ: eoj, ESV: esv, Missing: missing}
	for _, m := range missing {
		e.Refused = append(e.Refused, m.EPC)
	}
	return e
}

// Refuses reports whether epc is among the refused properties.
func (e *SNAError) Refuses(epc byte) bool {
	for _, p := range e.Refused {
		if p == epc {
			return true
		}
	}
	return false
}

// Why reports how epc failed to arrive in a Get reply.
func (e *SNAError) Why(epc byte) (Absence, bool) {
	for _, m := range e.Missing {
		if m.EPC == epc {
			return m.Why, true
		}
	}
	return 0, false
}

// ErrNotInMap is matched (errors.Is) by every NotInMapError.
var ErrNotInMap = errors.New("echonet: property not in the device's property map")

// NotInMapError refuses a request before it is sent: the object does not
// list these EPCs in the property map that governs the request (0x9E for
// SetC, 0x9F for Get).
type NotInMapError struct {
	To   netip.AddrPort
	EOJ  EOJ
	Map  string // "Set" or "Get"
	EPCs []byte
}

func (e *NotInMapError) Error() string {
	epc := "EPC"
	if len(e.EPCs) > 1 {
		epc = "EPCs"
	}
	code := EPCGetMap
	if e.Map == "Set" {
		code = EPCSetMap
	}
	return fmt.Sprintf("echonet: %v at %v does not list %s %s in its %s property map (0x%02X); %s not sent",
		e.EOJ, e.To, epc, hexList(e.EPCs), e.Map, code, e.Map)
}

// Is makes every NotInMapError match ErrNotInMap.
func (e *NotInMapError) Is(target error) bool { return target == ErrNotInMap }

// hexList renders EPCs as "0xC7, 0xDA".
func hexList(epcs []byte) string {
	parts := make([]string, len(epcs))
	for i, p := range epcs {
		parts[i] = fmt.Sprintf("0x%02X", p)
	}
	return strings.Join(parts, ", ")
}
