package rpc

import "fmt"

// ErrorCode is an OCPP-J CALLERROR code (OCPP 2.0.1 Part 4 §4.2.3, Table 7).
type ErrorCode string

// The Part 4 error codes, spelled as 2.0.1 spells them. The gateway sends
// only these spellings; ParseErrorCode also accepts the OCPP 1.6 ones.
const (
	FormatViolation               ErrorCode = "FormatViolation"
	GenericError                  ErrorCode = "GenericError"
	InternalError                 ErrorCode = "InternalError"
	MessageTypeNotSupported       ErrorCode = "MessageTypeNotSupported"
	NotImplemented                ErrorCode = "NotImplemented"
	NotSupported                  ErrorCode = "NotSupported"
	OccurrenceConstraintViolation ErrorCode = "OccurrenceConstraintViolation"
	PropertyConstraintViolation   ErrorCode = "PropertyConstraintViolation"
	ProtocolError                 ErrorCode = "ProtocolError"
	RpcFrameworkError             ErrorCode = "RpcFrameworkError"
	SecurityError                 ErrorCode = "SecurityError"
	TypeConstraintViolation       ErrorCode = "TypeConstraintViolation"
)

// legacySpellings maps the OCPP 1.6 names that 2.0.1 peers still send
// (ocpp-rpc, libocpp) to the 2.0.1 codes.
var legacySpellings = map[string]ErrorCode{
	"FormationViolation":           FormatViolation,
	"OccurenceConstraintViolation": OccurrenceConstraintViolation,
}

var knownCodes = map[ErrorCode]bool{
	FormatViolation: true, GenericError: true, InternalError: true, MessageTypeNotSupported: true,
	NotImplemented: true, NotSupported: true, OccurrenceConstraintViolation: true,
	PropertyConstraintViolation: true, ProtocolError: true, RpcFrameworkError: true,
	SecurityError: true, TypeConstraintViolation: true,
}

// ParseErrorCode reads a code received in a CALLERROR, accepting the 1.6
// spellings. An unknown code is returned as GenericError with ok false.
func ParseErrorCode(s string) (code ErrorCode, ok bool) {
	if c := ErrorCode(s); knownCodes[c] {
		return c, true
	}
	if c, found := legacySpellings[s]; found {
		return c, true
	}
	return GenericError, false
}

// Error is an RPC-level failure that becomes, or came from, a CALLERROR.
type Error struct {
	Code        ErrorCode
	Description string
	// Details is the CALLERROR's errorDetails object; nil means {}.
	Details map[string]any
}

func (e *Error) Error() string {
	if e.Description == "" {
		return string(e.Code)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Description)
}

// Errorf builds an *Error with a formatted description.
func Errorf(code ErrorCode, format string, args ...any) *Error {
	return &Error{Code: code, Description: fmt.Sprintf(format, args...)}
}
