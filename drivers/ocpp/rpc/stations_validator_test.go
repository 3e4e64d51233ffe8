package rpc_test

import (
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// projectValidator is the validator a station uses: the project's schemas.
type projectValidator struct{}

func (projectValidator) ValidateRequest(action string, payload []byte) error {
	return ocpp.ValidateRequest(action, payload)
}

func (projectValidator) ValidateResponse(action string, payload []byte) error {
	return ocpp.ValidateResponse(action, payload)
}

func init() { rpc.SetBenchValidator(projectValidator{}) }
