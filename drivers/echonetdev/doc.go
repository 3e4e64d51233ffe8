// Package echonetdev opens ECHONET Lite chargers for the drivers registry:
// it turns a Charger's echonet connection and a Template's EPCs into Gets
// and SetCs of package echonet on one client (UDP 3610) shared by every
// ECHONET Lite charger, checks each property against the template's
// declarations and the device's property maps, and classifies what the
// device answers as the registry's faults. It also declares gwctl's
// `discover echonet` and the --echonet flag of `mapping test` (cli.go).
package echonetdev
