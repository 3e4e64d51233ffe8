package echonetdev

import (
	"fmt"
	"reflect"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/echonet"
)

// The ECHONET Lite spec types and CEL functions are registered by
// api/v1alpha1 and cel; this registers how the gateway opens ECHONET Lite
// devices. The Set's configuration for the protocol is an echonet.Config
// (gwd's --echonet-* flags).
func init() {
	drivers.Register(drivers.Protocol{Name: v1alpha1.ProtocolEchonet, NewOpener: func(config any) (drivers.Opener, error) {
		switch c := config.(type) {
		case nil:
			return New(echonet.Config{}), nil
		case echonet.Config:
			return New(c), nil
		}
		return nil, fmt.Errorf("configuration %T is not an echonet.Config", config)
	}, DiscoverRequest: reflect.TypeFor[v1alpha1.EchonetDiscoverRequest](), Metrics: families})
}
