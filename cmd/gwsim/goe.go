package main

import (
	"fmt"

	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
)

// startGoE serves d as a go-e Charger's HTTP API v2 on the next TCP port;
// its address is host:port, the base of the /api/status URL.
func (f *fleet) startGoE(d *device, host string, port *int, fixed bool) error {
	g, err := sim.ServeGoE(nextAddr(host, port, fixed), d.charger, fmt.Sprintf("%06d", len(f.devices)+1))
	if err != nil {
		return err
	}
	d.server, d.Address = g, g.Addr
	return nil
}
