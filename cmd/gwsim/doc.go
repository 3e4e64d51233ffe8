// Command gwsim runs simulated chargers for demos, tests and benchmarks:
// Modbus TCP devices (ABB Terra AC, Alfen Eve, KEBA P30, Schneider EVlink
// Pro AC register maps), ABB Terra AC units on a Modbus RTU bus served on a
// pseudo-terminal, ECHONET Lite EV charger (0x02A1) and V2H (0x027E)
// objects on one EL node, and go-e Chargers on their local HTTP API v2
// (one server each), all with simple EV physics and fault injection,
// controlled over a small HTTP API (`gwsim ctl`).
//
// `gwsim csms` is a small OCPP 2.0.1 CSMS for demos: it accepts every
// station, logs every frame and sends RequestStart/StopTransaction on
// `gwsim ctl --csms`. `gwsim demo`, which `make run` calls, runs the
// chargers, that CSMS and gwd with examples/demo/ applied.
package main
