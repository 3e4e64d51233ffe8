package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// demoCharger is one Charger of the demo site with the simulated device it
// points at.
type demoCharger struct {
	station, device, mode, token string
	plugged                      bool
}

// siteChargers reads the site's Chargers and matches each to the simulated
// device at its Modbus TCP address; chargers elsewhere are left out.
func siteChargers(site []string, devices []*device) ([]demoCharger, error) {
	docs, err := manifest.ReadFiles(site, true, nil)
	if err != nil {
		return nil, err
	}
	var out []demoCharger
	for _, d := range docs {
		if d.Object.Kind != "Charger" {
			continue
		}
		var spec v1alpha1.ChargerSpec
		if err := json.Unmarshal(d.Object.Spec, &spec); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Object.Key(), err)
		}
		tcp, o := spec.Connection.ModbusTCP, spec.OCPP
		if tcp == nil || o == nil {
			continue
		}
		addr := net.JoinHostPort(tcp.Host, strconv.Itoa(tcp.Port))
		for _, dev := range devices {
			if dev.Address != addr {
				continue
			}
			c := demoCharger{station: o.StationID, device: dev.Name, plugged: dev.charger.Snapshot().Plugged}
			if c.station == "" {
				c.station = d.Object.Metadata.Name
			}
			if a := o.Authorization; a != nil {
				c.mode = a.Mode
				if a.IDToken != nil {
					c.token = a.IDToken.IDToken
				}
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// demoCommands are the commands printNext suggests, with the binaries and
// addresses of this demo.
type demoCommands struct {
	gwctl, gwsim, gwctlConfig, simControl, csmsControl string
}

func (c demoCommands) sim(args string) string {
	return fmt.Sprintf("  %s ctl --server http://%s %s\n", c.gwsim, c.simControl, args)
}

func (c demoCommands) csms(args string) string {
	return fmt.Sprintf("  %s ctl --csms %s %s\n", c.gwsim, c.csmsControl, args)
}

// write prints the site's chargers and what to try with each: a session
// already running where an EV is plugged in with AutoStart, a remote start
// for a CSMS charger and a card for a LocalReader one.
func (c demoCommands) write(out io.Writer, chargers []demoCharger) {
	if len(chargers) > 0 {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "STATION\tDEVICE\tAUTHORIZATION\tEV")
		for _, ch := range chargers {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ch.station, ch.device, describeMode(ch), map[bool]string{true: "plugged in", false: "-"}[ch.plugged])
		}
		tw.Flush()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nTry, in another terminal:\n  %s --config %s get chargers -w\n  %[1]s --config %[2]s get transactions -w\n",
		c.gwctl, c.gwctlConfig)
	b.WriteString(c.csms("transactions"))
	b.WriteString(c.sim("list"))
	remote, reader, auto := pick(chargers, "CSMS", false), pick(chargers, "LocalReader", false), pick(chargers, "AutoStart", true)
	if remote == nil { // any station still shows a remote start
		remote = &demoCharger{station: "STATION", device: "DEVICE"}
		if len(chargers) > 0 {
			remote = &chargers[0]
		}
	}
	fmt.Fprintf(&b, "  # a remote start: plug an EV into %s, then start %s from the CSMS\n", remote.device, remote.station)
	b.WriteString(c.sim("plug " + remote.device))
	b.WriteString(c.csms("start " + remote.station + " --evse 1 --token CARD-1"))
	b.WriteString(c.csms("stop " + remote.station + " TRANSACTION-ID   # the id that transactions lists"))
	if reader != nil {
		fmt.Fprintf(&b, "  # a card: plug an EV into %s and hold a card to its reader\n", reader.device)
		b.WriteString(c.sim("plug " + reader.device))
		b.WriteString(c.sim("card " + reader.device + " 04A1B2C3"))
		b.WriteString("  # the same with a card the CSMS refuses (Invalid)\n")
		b.WriteString(c.csms("reject 0BADCAFE"))
		b.WriteString(c.sim("card " + reader.device + " 0BADCAFE"))
	}
	if auto != nil {
		fmt.Fprintf(&b, "  # %s's session: the EV pauses (SuspendedEV), then leaves (the session ends)\n", auto.station)
		b.WriteString(c.sim("ev-pause " + auto.device + " true"))
		b.WriteString(c.sim("unplug " + auto.device))
	}
	io.WriteString(out, b.String())
}

func describeMode(ch demoCharger) string {
	switch ch.mode {
	case "":
		return "default (LocalReader if the template maps idToken, else CSMS)"
	case "AutoStart":
		return "AutoStart, idToken " + orDash(ch.token) + ": a session starts at plug-in"
	case "CSMS":
		return "CSMS: waits for a remote start"
	case "LocalReader":
		return "LocalReader: waits for a card (or a remote start)"
	}
	return ch.mode
}

// pick returns the first charger in mode, plugged in when plugged is set.
func pick(chargers []demoCharger, mode string, plugged bool) *demoCharger {
	for i, ch := range chargers {
		if ch.mode == mode && (!plugged || ch.plugged) {
			return &chargers[i]
		}
	}
	return nil
}
