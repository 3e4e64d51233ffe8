package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func newCtlCmd(out io.Writer) *cobra.Command {
	server := "http://127.0.0.1:8900"
	cmd := &cobra.Command{
		Use:   "ctl",
		Short: "Control a running gwsim run (devices) or gwsim csms (start, stop, transactions, tokens)",
		Example: `  gwsim ctl list
  gwsim ctl plug abb-terra-ac-1
  gwsim ctl fault abb-terra-ac-1 silent
  gwsim ctl fault abb-terra-ac-1 ""     # clear
  gwsim ctl available alfen-eve-1 false
  gwsim ctl ev-pause abb-terra-ac-1 true   # the EV stops asking (SuspendedEV)
  gwsim ctl card keba-p30-1 04A1B2C3        # an RFID card at the KEBA's reader
  gwsim ctl --csms 127.0.0.1:9001 start DEMO-GARAGE-1 --evse 1 --token CARD-1
  gwsim ctl --csms 127.0.0.1:9001 stop DEMO-GARAGE-1 TRANSACTION-ID
  gwsim ctl --csms 127.0.0.1:9001 transactions
  gwsim ctl --csms 127.0.0.1:9001 reject CARD-2     # Authorize answers Invalid for it`,
	}
	csms := "127.0.0.1:9001"
	cmd.PersistentFlags().StringVar(&server, "server", server, "control API of the running gwsim")
	cmd.PersistentFlags().StringVar(&csms, "csms", csms, "control API of the running gwsim csms (start, stop, stations, transactions, reject, accept)")
	c := func() *ctlClient { return &ctlClient{base: strings.TrimRight(server, "/"), out: out, http: httpClient} }
	cmd.AddCommand(
		&cobra.Command{Use: "list", Short: "List devices and their state", Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error { return c().list() }},
		&cobra.Command{Use: "show NAME", Short: "Show one device", Args: cobra.ExactArgs(1),
			RunE: func(_ *cobra.Command, a []string) error { return c().do("GET", a[0], "", nil) }},
		&cobra.Command{Use: "plug NAME", Short: "Plug an EV in", Args: cobra.ExactArgs(1),
			RunE: func(_ *cobra.Command, a []string) error { return c().do("POST", a[0], "plug", nil) }},
		&cobra.Command{Use: "unplug NAME", Short: "Unplug the EV", Args: cobra.ExactArgs(1),
			RunE: func(_ *cobra.Command, a []string) error { return c().do("POST", a[0], "unplug", nil) }},
		&cobra.Command{Use: "fault NAME MODE", Short: "Inject a fault: silent, exception, stuck, charger; \"\" clears", Args: cobra.ExactArgs(2),
			RunE: func(_ *cobra.Command, a []string) error {
				return c().do("POST", a[0], "fault", url.Values{"mode": {a[1]}})
			}},
		&cobra.Command{Use: "available NAME true|false", Short: "Make the charger operative or not", Args: cobra.ExactArgs(2),
			RunE: func(_ *cobra.Command, a []string) error {
				return c().do("POST", a[0], "available", url.Values{"on": {a[1]}})
			}},
		&cobra.Command{Use: "ev-pause NAME true|false", Short: "The plugged EV stops (true) or resumes asking for energy", Args: cobra.ExactArgs(2),
			RunE: func(_ *cobra.Command, a []string) error {
				return c().do("POST", a[0], "evpause", url.Values{"on": {a[1]}})
			}},
		&cobra.Command{Use: "card NAME UID", Short: "Hold an RFID card (8 hex digits) to the charger's reader (keba-p30); \"\" takes it away",
			Args: cobra.ExactArgs(2),
			RunE: func(_ *cobra.Command, a []string) error {
				return c().do("POST", a[0], "card", url.Values{"uid": {a[1]}})
			}},
	)
	cmd.AddCommand(csmsCtlCmds(&csms, out)...)
	return cmd
}

type ctlClient struct {
	base string
	out  io.Writer
	http *http.Client
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

func (c *ctlClient) request(method, path string, q url.Values) ([]byte, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("control API: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return nil, fmt.Errorf("%s", e.Error)
		}
		return nil, fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
	return body, nil
}

func (c *ctlClient) do(method, name, action string, q url.Values) error {
	path := "/devices/" + url.PathEscape(name)
	if action != "" {
		path += "/" + action
	}
	body, err := c.request(method, path, q)
	if err != nil {
		return err
	}
	_, err = c.out.Write(body)
	return err
}

func (c *ctlClient) list() error {
	body, err := c.request("GET", "/devices", nil)
	if err != nil {
		return err
	}
	var views []struct {
		deviceFields
		State struct {
			Plugged, Charging bool
			Pilot             string  `json:"iec61851"`
			SoC               float64 `json:"socPercent"`
			// SetpointA is the limit last written to the device; LimitA
			// the one in force (the safe current once a watchdog expired).
			SetpointA, LimitA float64
			CurrentA, PowerW  float64
			EnergyWh          float64
			Card, Fault       string
		} `json:"state"`
	}
	if err := json.Unmarshal(body, &views); err != nil {
		return fmt.Errorf("decode device list: %w", err)
	}
	tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tMODEL\tADDRESS\tPLUGGED\tCHARGING\tIEC61851\tSETPOINT\tLIMIT\tCURRENT\tPOWER\tENERGY\tSOC\tCARD\tFAULT")
	for _, v := range views {
		s := v.State
		fmt.Fprintf(tw, "%s\t%s\t%s\t%t\t%t\t%s\t%.1f A\t%.1f A\t%.1f A\t%.0f W\t%.0f Wh\t%.0f%%\t%s\t%s\n", v.Name, v.Model, v.Address,
			s.Plugged, s.Charging, s.Pilot, s.SetpointA, s.LimitA, s.CurrentA, s.PowerW, s.EnergyWh, s.SoC, orDash(s.Card), orDash(s.Fault))
	}
	return tw.Flush()
}

type deviceFields struct {
	Name, Model, Address string
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
