// Package sim holds the simulated chargers of gwsim: a small physical model
// of an EVSE and its EV, the register maps of real charger models on top of
// it (served over Modbus TCP, or as units of a Modbus RTU slave on a
// pseudo-terminal), ECHONET Lite device objects whose properties follow the
// same model, and the fault modes used to test the gateway.
package sim
