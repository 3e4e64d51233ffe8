package modbusdev

import (
	"reflect"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
)

// The Modbus spec types and CEL functions are registered by api/v1alpha1
// and cel; this registers how the gateway opens Modbus devices.
func init() {
	drivers.Register(drivers.Protocol{Name: v1alpha1.ProtocolModbus,
		NewOpener:        func(any) (drivers.Opener, error) { return New(), nil },
		DiscoverRequest:  reflect.TypeFor[v1alpha1.ModbusDiscoverRequest](),
		Metrics:          families,
		DiscoverCommand:  discoverCommand,
		MappingTestFlags: mappingTestFlags})
}
