package echonetdev

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
)

// TestMappingTestFlags: --echonet gives the connection with --eoj (0x02A101
// without it) and --timeout.
func TestMappingTestFlags(t *testing.T) {
	p := registered(t)
	for _, c := range [][2]string{
		{"", `{"echonet":{"address":"192.168.1.50","eoj":"0x02A101","timeout":"1s"}}`},
		{"--eoj=0x027E01", `{"echonet":{"address":"192.168.1.50","eoj":"0x027E01","timeout":"1s"}}`},
	} {
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		flags := p.MappingTestFlags.Flags(fs)
		args := []string{"--echonet", "192.168.1.50"}
		if c[0] != "" {
			args = append(args, c[0])
		}
		if err := fs.Parse(args); err != nil || len(flags) != 1 || flags[0].Name != "echonet" {
			t.Fatalf("%v: %v, flags %v", args, err, flags)
		}
		conn, err := flags[0].Build("1s")
		if b, _ := json.Marshal(conn); err != nil || string(b) != c[1] {
			t.Errorf("%v: %s, %v; want %s", args, b, err, c[1])
		}
	}
}

// TestDiscoverCommand: `gwctl discover echonet --window` builds the
// registered request (3s without it); the table has a row per object, a
// row of dashes for a node without any, and what could not be read goes
// to the warnings.
func TestDiscoverCommand(t *testing.T) {
	p := registered(t)
	d := p.DiscoverCommand
	for _, c := range []struct {
		args []string
		want v1alpha1.Duration
	}{{nil, "3s"}, {[]string{"--window", "5s"}, "5s"}} {
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		build := d.Flags(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		req, err := build()
		if r, ok := req.(v1alpha1.EchonetDiscoverRequest); err != nil || !ok || r.Window != c.want {
			t.Errorf("%v: %#v, %v; want window %s", c.args, req, err, c.want)
		}
	}
	res := &v1alpha1.EchonetDiscoverResult{Nodes: []v1alpha1.DiscoveredNode{
		{Address: "192.168.1.50", Objects: []v1alpha1.DiscoveredObject{
			{EOJ: "0x02A101", Class: "EV charger", Maker: "0x000005", Matches: []string{"echonet-ev-charger"}, GetMap: []string{"80", "C7"}, SetMap: []string{"80"}},
			{EOJ: "0x05FF01", Error: "no answer to Get 0x9F"},
		}},
		{Address: "192.168.1.51", Error: "no instance list"},
	}}
	var out, warn bytes.Buffer
	if err := d.Print(&out, &warn, res); err != nil {
		t.Fatal(err)
	}
	want := `NODE          EOJ       CLASS       MAKER     TEMPLATES           GET MAP  SET MAP
192.168.1.50  0x02A101  EV charger  0x000005  echonet-ev-charger  80 C7    80
192.168.1.50  0x05FF01  -           -         -                   -        -
192.168.1.51  -         -           -         -                   -        -
`
	wantWarn := "warning: 192.168.1.50 0x05FF01: no answer to Get 0x9F\nwarning: 192.168.1.51: no instance list\n"
	if out.String() != want || warn.String() != wantWarn {
		t.Errorf("table:\n%s\nwant:\n%s\nwarnings:\n%s\nwant:\n%s", out.String(), want, warn.String(), wantWarn)
	}
}

// registered is the ECHONET Lite registration, as gwctl sees it.
func registered(t *testing.T) drivers.Protocol {
	t.Helper()
	p, ok := drivers.Lookup(v1alpha1.ProtocolEchonet)
	if !ok || p.DiscoverCommand == nil || p.MappingTestFlags == nil {
		t.Fatalf("echonet registers no gwctl pieces: %+v", p)
	}
	return p
}
