package echonetdev

import (
	"fmt"
	"reflect"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
	"github.com/ocppgw/ocppgw/drivers/echonet"
	"github.com/spf13/pflag"
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
	}, Flags: flags, DiscoverRequest: reflect.TypeFor[v1alpha1.EchonetDiscoverRequest](), Metrics: families,
		DiscoverCommand: discoverCommand, MappingTestFlags: mappingTestFlags})
}

// flags are gwd's --echonet-* flags: the client's socket and where
// discovery is sent.
func flags(fs *pflag.FlagSet) func() any {
	var c echonet.Config
	fs.StringVar(&c.ListenAddr, "echonet-listen", ":3610", "UDP address of the ECHONET Lite client (opened when the first EL charger is applied)")
	fs.StringVar(&c.Interface, "echonet-interface", "", "network interface for ECHONET Lite multicast; empty lets the kernel choose")
	fs.StringVar(&c.Group, "echonet-discovery-address", echonet.DefaultGroup, "where ECHONET Lite discovery is sent: the multicast group, or one node's address:port")
	return func() any { return c }
}
