// Package linked links the registered device protocols into a binary: gwd,
// gwctl and the tests that read the template library import it for its
// side effect, so the three always know the same protocols. Adding a
// protocol is a blank import below (docs/adding-a-protocol.md). The Modbus
// and ECHONET Lite spec types and CEL functions are registered by
// api/v1alpha1 and cel themselves; their lines here link their openers,
// discovery and metrics.
package linked

import (
	_ "github.com/ocppgw/ocppgw/drivers/echonetdev" // ECHONET Lite (UDP)
	_ "github.com/ocppgw/ocppgw/drivers/goe"        // go-e Charger HTTP API v2
	_ "github.com/ocppgw/ocppgw/drivers/modbusdev"  // Modbus TCP and RTU
)
