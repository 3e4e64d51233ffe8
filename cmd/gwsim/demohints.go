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

// demoLimit is an operator site limit of the demo site, in words.
type demoLimit struct {
	name, limit, chargers string
}

// readSite reads the demo site's manifests: its chargers matched to the
// simulated devices, and its site limits.
func readSite(site []string, devices []*device) ([]demoCharger, []demoLimit, error) {
	docs, err := manifest.ReadFiles(site, true, nil)
	if err != nil {
		return nil, nil, err
	}
	chargers, err := siteChargers(docs, devices)
	if err != nil {
		return nil, nil, err
	}
	limits, err := siteLimits(docs)
	return chargers, limits, err
}

// siteLimits describes the site's operator ChargingProfiles.
func siteLimits(docs []manifest.Doc) ([]demoLimit, error) {
	var out []demoLimit
	for _, d := range docs {
		if d.Object.Kind != v1alpha1.KindChargingProfile {
			continue
		}
		var spec v1alpha1.ChargingProfileSpec
		if err := json.Unmarshal(d.Object.Spec, &spec); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Object.Key(), err)
		}
		spec.SetDefaults(&d.Object.Metadata)
		if spec.Source != v1alpha1.ProfileSourceOperator {
			continue
		}
		l := demoLimit{name: d.Object.Metadata.Name, limit: "a schedule", chargers: "charger " + spec.ChargerRef}
		if spec.Limit != nil {
			l.limit = fmt.Sprintf("%g %s", spec.Limit.Value, spec.Limit.Unit)
		}
		if c := spec.Chargers; c != nil {
			var by []string
			if c.Selector != "" {
				by = append(by, "labelled "+c.Selector)
			}
			if len(c.Names) > 0 {
				by = append(by, "named "+strings.Join(c.Names, ", "))
			}
			l.chargers = "the chargers " + strings.Join(by, " or ")
		}
		out = append(out, l)
	}
	return out, nil
}

// siteChargers picks the site's Chargers and matches each to the simulated
// device at its Modbus TCP address; chargers elsewhere are left out.
func siteChargers(docs []manifest.Doc, devices []*device) ([]demoCharger, error) {
	var out []demoCharger
	for _, d := range docs {
		if d.Object.Kind != v1alpha1.KindCharger {
			continue
		}
		var spec v1alpha1.ChargerSpec
		if err := json.Unmarshal(d.Object.Spec, &spec); err != nil {
			return nil, fmt.Errorf("%s: %w", d.Object.Key(), err)
		}
		tcp, o := v1alpha1.ConnectionAs[v1alpha1.ModbusTCPConnection](spec.Connection), spec.OCPP
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
func (c demoCommands) write(out io.Writer, chargers []demoCharger, limits []demoLimit) {
	if len(chargers) > 0 {
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "STATION\tDEVICE\tAUTHORIZATION\tEV")
		for _, ch := range chargers {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", ch.station, ch.device, describeMode(ch), map[bool]string{true: "plugged in", false: "-"}[ch.plugged])
		}
		tw.Flush()
	}
	for _, l := range limits {
		fmt.Fprintf(out, "Site limit %s: %s per phase for %s together.\n", l.name, l.limit, l.chargers)
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
	if len(limits) > 0 {
		b.WriteString("  # the site limit: each charger's share as sessions start and stop, the limit in force,\n")
		b.WriteString("  # and what each simulated device was told (SETPOINT) in ctl list\n")
		fmt.Fprintf(&b, "  %s --config %s get chargingprofiles -w\n  %[1]s --config %[2]s get chargers -o wide\n", c.gwctl, c.gwctlConfig)
	}
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
