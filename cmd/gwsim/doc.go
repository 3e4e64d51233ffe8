// Command gwsim runs simulated chargers for demos, tests and benchmarks:
// Modbus TCP devices with the ABB Terra AC and Alfen Eve register maps, with
// simple EV physics and fault injection, controlled over a small HTTP API
// (`gwsim ctl`).
package main
