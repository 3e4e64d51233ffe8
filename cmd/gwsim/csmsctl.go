package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
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
	start.Flags().StringVar(&token, "token", "DEMO-TOKEN", "idToken (type Central) to start with")
	start.Flags().StringVar(&token, "id-token", "DEMO-TOKEN", "the same as --token")
	start.Flags().MarkHidden("id-token")
	tokens := func(op string) *cobra.Command {
		verdict := map[string]string{"reject": "Invalid", "accept": "Accepted"}[op]
		return &cobra.Command{Use: op + " TOKEN", Short: "Make gwsim csms answer Authorize and TransactionEvent for TOKEN " + verdict,
			Args: cobra.ExactArgs(1),
			RunE: func(_ *cobra.Command, a []string) error {
				body, err := c().request("POST", "/tokens/"+url.PathEscape(a[0])+"/"+op, nil)
				if err != nil {
					return err
				}
				var rejected []string
				if err := json.Unmarshal(body, &rejected); err != nil {
					return fmt.Errorf("decode the rejected tokens: %w", err)
				}
				_, err = fmt.Fprintf(out, "%s is answered %s; rejected tokens: %s\n", a[0], verdict, orDash(strings.Join(rejected, ", ")))
				return err
			}}
	}
	return []*cobra.Command{
		start, tokens("reject"), tokens("accept"),
		{Use: "transactions", Short: "List the transactions gwsim csms has seen", Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error { return c().transactions() }},
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

// transactions prints what the CSMS has seen of each transaction.
func (c *ctlClient) transactions() error {
	body, err := c.request("GET", "/transactions", nil)
	if err != nil {
		return err
	}
	var txs []txSeen
	if err := json.Unmarshal(body, &txs); err != nil {
		return fmt.Errorf("decode the transactions: %w", err)
	}
	if len(txs) == 0 {
		_, err := fmt.Fprintln(c.out, "no TransactionEvent received yet")
		return err
	}
	tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATION\tTRANSACTION\tEVSE\tSTATUS\tEVENTS\tLAST SEQNO\tSTATE\tENERGY\tID TOKEN\tSTOPPED\tSEQNO ERRORS")
	for _, t := range txs {
		status := "open"
		switch {
		case t.Ended && !t.Started:
			status = "ended, no Started seen"
		case t.Ended:
			status = "ended"
		case !t.Started:
			status = "no Started seen"
		}
		energy := "-"
		if t.EnergyWh != nil {
			energy = fmt.Sprintf("%.0f Wh", *t.EnergyWh)
		}
		seq := "-"
		if t.Repeats+t.Gaps > 0 {
			seq = fmt.Sprintf("%d repeated, %d gaps", t.Repeats, t.Gaps)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", t.Station, t.ID, t.EVSE, status, t.Events, t.LastSeqNo,
			orDash(string(t.ChargingState)), energy, orDash(t.IDToken), orDash(string(t.StoppedReason)), seq)
	}
	return tw.Flush()
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
