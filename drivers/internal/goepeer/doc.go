// Package goepeer runs a go-e Charger HTTP API v2 peer for tests: a
// python3 script (Debian's /usr/bin/python3, standard library only)
// written from go-e's public API documentation, never from ocppgw's own
// simulator (cmd/gwsim). README.md lists what it implements and the source
// of every fact.
//
// A test starts one peer on a loopback port the kernel picks; the peer
// ends with the test:
//
//	p := goepeer.Start(t, goepeer.Options{MaxAmps: 16})
//	base := p.URL()  // "http://127.0.0.1:PORT": GET base+"/api/status?filter=car,amp"
//	host := p.Host() // "127.0.0.1:PORT"
//	p.Plug()         // a car is connected and, allowed, charges
//	p.Advance(time.Hour) // an hour of charging at the present power: wh and eto grow
//	                     // (or Options.WhPerStatus: energy per status request)
//	st := p.State()  // Car, Amp, Frc, Wh, Eto, ... and request counts
//	p.SetFault(goepeer.Fault{Kind: goepeer.FaultHang, Path: "status", Count: 1})
//	p.ClearFaults()  // also ends hanging requests
//	p.Requests()     // what the client sent, in order
//
// The peer honours /api/set as the device does: values are JSON, each key
// is answered true or with an error string, a refused key leaves the state
// alone and makes the answer HTTP 500; amp must be 6..ama, frc and psm
// 0..2, and keys without a setter (car, alw, nrg, wh, eto, ...) are
// refused. frc 1 (Off) stops charging, 2 (On) or 0 (Neutral) allow it, and
// the car state follows.
//
// Go's HTTP transport retries an idempotent GET once when a reused
// keep-alive connection fails before answering, so a single FaultReset or
// FaultClose may not reach a keep-alive client: give such faults Count 2,
// or use a client without keep-alive.
//
// Without python3, Start skips the test with an install hint, or fails it
// when the environment variable CI is set. Peer methods fail the test when
// the peer breaks, so call them from the test's goroutine.
package goepeer
