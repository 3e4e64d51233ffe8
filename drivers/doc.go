// Package drivers is the registry of device protocols and the contract
// between a protocol's driver and the charger controller.
//
// A protocol package registers itself in an init function with Register: its
// name (a Template's spec.protocol), the Go types of its Charger
// connections (spec.connection.<key>) and of its Template read section
// (spec.read.<name>), its CEL environment pieces (cel.Protocol), how it
// opens a device (NewOpener), and where it has them its discovery request,
// its gwd flags (Flags, from which its opener's configuration is built;
// AddFlags) and its metric families (Metrics, which its opener collects as
// a Collector; the Set is the prometheus.Collector gwd registers). The
// gateway links a protocol in with a blank import in drivers/linked, which
// gwd and gwctl import; api, cel, controllers, metrics, gwctl and gwd then
// learn of it from the registry.
//
// Why registration flows downwards. api/v1alpha1 decodes and validates
// spec.connection and spec.read, and cel builds the environments, but
// neither may import this package: it depends on both (a Device returns a
// cel.Input; a Config carries v1alpha1 specs), and v1alpha1 must stay free
// of I/O. So each of them keeps a small registry of its own
// (v1alpha1.RegisterProtocol, cel.RegisterProtocol), and Register here fills
// both from one declaration. A protocol therefore registers once, and the
// lower layers stay ignorant of drivers.
//
// The contract. Opener.Open returns a Device for one charger. Device.Read
// does one poll and returns what arrived in a cel.Input, each read that did
// not arrive in Reading.Failed; the error is set only when the device did
// not answer at all. Device.Write runs a command's writes in order, stops at
// the first failure and returns nil only once the device confirmed every
// write. Errors wrap ErrRejected (the device refused), ErrTimeout (no answer)
// or ErrMalformed (an answer that cannot be used), so that the charger's
// conditions and the CSMS's answers tell what really happened.
//
// Errors a driver returns wrap ErrTimeout, ErrRejected, ErrMalformed or
// ErrClosed, best as a Fault (Classify), whose text carries the driver's
// hint; Outcome words a write's error as a command reports it.
//
// Modbus and ECHONET Lite predate the registry: their spec types and CEL
// functions still live in api/v1alpha1 and cel, which register them
// themselves; their openers and device adapters (drivers/modbusdev,
// drivers/echonetdev) register here like any protocol's, with their
// discovery, flags and metrics. See
// docs/adding-a-protocol.md for the steps and for what still names them.
package drivers
