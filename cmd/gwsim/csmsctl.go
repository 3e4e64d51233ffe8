package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// csmsCtlCmds are the `gwsim ctl` commands that go to `gwsim csms`'s
// control API at *addr.
func csmsCtlCmds(addr *string, out io.Writer) []*cobra.Command {
	c := func() *ctlClient { return &ctlClient{base: csmsBase(*addr), out: out, http: csmsHTTP} }
	var evse int
	var token string
	start := &cobra.Command{
		Use:   "start STATION",
		Short: "Make gwsim csms send RequestStartTransaction and print the station's answer",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, a []string) error {
			q := url.Values{"idToken": {token}}
			if evse > 0 {
				q.Set("evse", strconv.Itoa(evse))
			}
			return c().stationCall(a[0], "start", q)
		},
	}
	start.Flags().IntVar(&evse, "evse", 0, "EVSE id; 0 lets the station choose")
	start.Flags().StringVar(&token, "id-token", "DEMO-TOKEN", "idToken (type Central) to start with")
	return []*cobra.Command{
		start,
		{Use: "stop STATION TRANSACTION", Short: "Make gwsim csms send RequestStopTransaction and print the station's answer",
			Args: cobra.ExactArgs(2),
			RunE: func(_ *cobra.Command, a []string) error {
				return c().stationCall(a[0], "stop", url.Values{"transactionId": {a[1]}})
			}},
		{Use: "stations", Short: "List the stations connected to gwsim csms", Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				body, err := c().request("GET", "/stations", nil)
				if err != nil {
					return err
				}
				var ids []string
				if err := json.Unmarshal(body, &ids); err != nil {
					return fmt.Errorf("decode station list: %w", err)
				}
				for _, id := range ids {
					fmt.Fprintln(out, id)
				}
				return nil
			}},
	}
}

// csmsHTTP outwaits the CSMS's own wait for a station's answer.
var csmsHTTP = &http.Client{Timeout: callTimeout + 10*time.Second}

// csmsBase accepts host:port as well as a URL.
func csmsBase(addr string) string {
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr
	}
	return strings.TrimRight(addr, "/")
}

// stationCall has the CSMS send one CALL and prints the station's answer:
// its CALLRESULT payload, or its CALLERROR, which is not a failure of ctl.
func (c *ctlClient) stationCall(station, op string, q url.Values) error {
	body, err := c.request("POST", "/stations/"+url.PathEscape(station)+"/"+op, q)
	if err != nil {
		return err
	}
	var a stationAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return fmt.Errorf("decode the CSMS's answer: %w", err)
	}
	if a.CallError != nil {
		_, err = fmt.Fprintf(c.out, "%s answered %s with CALLERROR %s: %s\n", a.Station, a.Action, a.CallError.Code, a.CallError.Description)
		return err
	}
	if _, err := fmt.Fprintf(c.out, "%s answered %s: %s\n", a.Station, a.Action, compact(a.Result)); err != nil {
		return err
	}
	if a.SchemaViolation != "" {
		return fmt.Errorf("the answer violates the schema: %s", a.SchemaViolation)
	}
	return nil
}
