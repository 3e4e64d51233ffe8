// Package modbusdev opens Modbus chargers for the drivers registry: it
// turns a Charger's modbusTCP or modbusRTU connection and a Template's
// register blocks into requests of package modbus, and classifies what the
// driver answers (exceptions, silence, bad frames) as the registry's
// faults. It also declares gwctl's `discover modbus` and the --modbus-tcp
// and --modbus-rtu flags of `mapping test` (cli.go). Package modbus itself
// knows nothing of the resources.
package modbusdev
