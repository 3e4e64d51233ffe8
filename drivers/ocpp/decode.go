package ocpp

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// DecodeRequest validates a CALL payload (as ValidateRequest) and decodes
// it into the action's Go request type, e.g. *BootNotificationRequest.
func DecodeRequest(action string, payload []byte) (any, error) {
	if err := ValidateRequest(action, payload); err != nil {
		return nil, err
	}
	info := registry[action]
	return decodeInto(info.NewRequest(), payload)
}

// DecodeResponse validates a CALLRESULT payload and decodes it into the
// action's Go response type.
func DecodeResponse(action string, payload []byte) (any, error) {
	if err := ValidateResponse(action, payload); err != nil {
		return nil, err
	}
	info := registry[action]
	return decodeInto(info.NewResponse(), payload)
}

// decodeInto handles the few payloads that pass the schema but do not fit
// the Go types: an integer written as 1.0 (an integer for JSON Schema), a
// number beyond the Go type's range, a leap second in a date-time. The
// peer gets the code closest to the cause instead of an InternalError.
func decodeInto(v any, payload []byte) (any, error) {
	err := json.Unmarshal(payload, v)
	if err == nil {
		return v, nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		path := "/" + strings.ReplaceAll(te.Field, ".", "/")
		return nil, &rpc.Error{
			Code:        rpc.TypeConstraintViolation,
			Description: `"` + path + `": value ` + te.Value + " does not fit Go type " + te.Type.String(),
			Details:     map[string]any{"path": path, "keyword": "type"},
		}
	}
	return nil, rpc.Errorf(rpc.PropertyConstraintViolation, "payload passes the schema but cannot be decoded: %v", err)
}
