package charger

// The registered protocols (drivers/linked), as gwd links them: the tests
// open Modbus and ECHONET Lite devices through NewDrivers.
import _ "github.com/ocppgw/ocppgw/drivers/linked"
