package goe

import (
	"reflect"

	"github.com/ocppgw/ocppgw/drivers"
)

func init() {
	drivers.Register(drivers.Protocol{
		Name:        Protocol,
		Connections: map[string]reflect.Type{ConnectionKey: reflect.TypeFor[Connection]()},
		Read:        reflect.TypeFor[Read](),
		CEL:         celProtocol,
		NewOpener:   newOpener,
	})
}
