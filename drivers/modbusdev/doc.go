// Package modbusdev opens Modbus chargers for the drivers registry: it
// turns a Charger's modbusTCP or modbusRTU connection and a Template's
// register blocks into requests of package modbus, and classifies what the
// driver answers (exceptions, silence, bad frames) as the registry's
// faults. Package modbus itself knows nothing of the resources.
package modbusdev
