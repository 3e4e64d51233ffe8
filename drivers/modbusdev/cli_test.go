package modbusdev

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
)

// parsed defines a piece's flags on a fresh flag set and parses args.
func parsed[T any](t *testing.T, define func(*pflag.FlagSet) T, args ...string) T {
	t.Helper()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	out := define(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return out
}

// TestDiscoverCommandBuildsRequests: `gwctl discover modbus`'s flags build
// the registered request type, with the unit defaults of a bus and of TCP,
// and refuse what cannot be scanned with the words gwctl shows.
func TestDiscoverCommandBuildsRequests(t *testing.T) {
	p, _ := drivers.Lookup(v1alpha1.ProtocolModbus)
	d := p.DiscoverCommand
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--bus", "rs485-1"}, `{"busRef":"rs485-1","units":[1,2,3,4,5,6,7,8,9,10]}`},
		{[]string{"--tcp", "192.168.1.41:1502", "--template", "a,b"}, `{"modbusTCP":{"host":"192.168.1.41","port":1502},"units":[1,255],"templates":["a","b"]}`},
		{[]string{"--tcp", "h", "--units", "3-5, 4,200"}, `{"modbusTCP":{"host":"h"},"units":[3,4,5,200]}`},
	} {
		req, err := parsed(t, d.Flags, c.args...)()
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if _, ok := req.(v1alpha1.ModbusDiscoverRequest); !ok {
			t.Fatalf("%v: a %T, not the registered %v", c.args, req, p.DiscoverRequest)
		}
		if b, _ := json.Marshal(req); string(b) != c.want {
			t.Errorf("%v: %s, want %s", c.args, b, c.want)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "give exactly one of --bus or --tcp"},
		{[]string{"--bus", "a", "--tcp", "b"}, "give exactly one of --bus or --tcp"},
		{[]string{"--tcp", "h:zz"}, `--tcp "h:zz": port "zz" is not a number`},
		{[]string{"--bus", "a", "--units", "1-300"}, `--units "1-300": "1-300" is not a unit id or range within 0..255`},
		{[]string{"--bus", "a", "--units", "5-2"}, `--units "5-2": "5-2" is not a unit id or range within 0..255`},
	} {
		if _, err := parsed(t, d.Flags, c.args...)(); err == nil || err.Error() != c.want {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
}

// TestDiscoverCommandTable: a unit per row, "-" for no match, and the
// first other template by name with why it does not fit.
func TestDiscoverCommandTable(t *testing.T) {
	p, _ := drivers.Lookup(v1alpha1.ProtocolModbus)
	res := &v1alpha1.ModbusDiscoverResult{Units: []v1alpha1.DiscoveredUnit{
		{Unit: 1, Answered: true, Matches: []string{"abb-terra-ac", "x"}, Mismatches: map[string]string{"z": "no", "keba-p30": "exception 2"}},
		{Unit: 2},
	}}
	var out, warn bytes.Buffer
	if err := p.DiscoverCommand.Print(&out, &warn, res); err != nil {
		t.Fatal(err)
	}
	want := `UNIT  ANSWERED  TEMPLATES       WHY NOT (first other template)
1     yes       abb-terra-ac,x  keba-p30: exception 2
2     no        -               -
`
	if out.String() != want || warn.Len() != 0 {
		t.Errorf("table:\n%s\nwant:\n%s\nwarnings: %q", out.String(), want, warn.String())
	}
}

// TestMappingTestFlagsBuildConnections: --modbus-tcp and --modbus-rtu give
// the connection with --unit, and the TCP one --timeout too.
func TestMappingTestFlagsBuildConnections(t *testing.T) {
	p, _ := drivers.Lookup(v1alpha1.ProtocolModbus)
	build := func(name string, args ...string) string {
		t.Helper()
		for _, f := range parsed(t, p.MappingTestFlags.Flags, args...) {
			if f.Name == name {
				c, err := f.Build("3s")
				if err != nil {
					return "error: " + err.Error()
				}
				b, _ := json.Marshal(c)
				return string(b)
			}
		}
		t.Fatalf("no connection flag %q", name)
		return ""
	}
	for _, c := range [][2]string{
		{build("modbus-tcp", "--modbus-tcp", "192.168.1.40", "--unit", "255"), `{"modbusTCP":{"host":"192.168.1.40","unitId":255,"timeout":"3s"}}`},
		{build("modbus-tcp", "--modbus-tcp", "h:1502"), `{"modbusTCP":{"host":"h","port":1502,"unitId":1,"timeout":"3s"}}`},
		{build("modbus-tcp", "--modbus-tcp", "h:x"), `error: --modbus-tcp "h:x": port "x" is not a number`},
		{build("modbus-rtu", "--modbus-rtu", "rs485-1", "--unit", "3"), `{"modbusRTU":{"busRef":"rs485-1","unitId":3}}`},
	} {
		if c[0] != c[1] {
			t.Errorf("got %s, want %s", c[0], c[1])
		}
	}
	if !strings.Contains(p.MappingTestFlags.Example, "--modbus-rtu") {
		t.Errorf("the examples show no --modbus-rtu: %q", p.MappingTestFlags.Example)
	}
}
