// Package linked links the registered device protocols into a binary: gwd,
// gwctl and the tests that read the template library import it for its
// side effect, so the three always know the same protocols. Modbus and
// ECHONET Lite need no line here (api/v1alpha1 and cel register them);
// adding a protocol is a blank import below (docs/adding-a-protocol.md).
package linked

import (
	_ "github.com/ocppgw/ocppgw/drivers/goe" // go-e Charger HTTP API v2
)
