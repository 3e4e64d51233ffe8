// Package sim holds the simulated chargers of gwsim: a small physical model
// of an EVSE and its EV, the register maps of real charger models on top of
// it, and the fault modes used to test the gateway.
package sim
