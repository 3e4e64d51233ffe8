package modbusdev

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
)

// discoverCommand is `gwctl discover modbus`: a scan of unit ids on a Bus
// or at a Modbus TCP address.
var discoverCommand = &drivers.DiscoverCommand{
	Args:  "(--bus BUS | --tcp HOST[:PORT]) [--units LIST]",
	Short: "gwctl.discover.modbus.short",
	Long:  "gwctl.discover.modbus.long",
	Example: `  gwctl discover modbus --bus rs485-1 --units 1-25
  gwctl discover modbus --tcp 192.168.1.40 --units 1,255
  gwctl discover modbus --tcp 192.168.1.41:502 --units 1 --template alfen-eve,abb-terra-ac`,
	Flags:  discoverFlags,
	Result: reflect.TypeFor[v1alpha1.ModbusDiscoverResult](),
	Print:  printDiscovered,
}

func discoverFlags(fs *pflag.FlagSet) func() (any, error) {
	var bus, tcp, units string
	var templates []string
	fs.StringVar(&bus, "bus", "", "the Bus (RS-485 line) to scan")
	fs.StringVar(&tcp, "tcp", "", "the Modbus TCP address to scan, host[:port]")
	fs.StringVar(&units, "units", "", "unit ids: a list and ranges such as 1-10,200 (default 1-10 on a bus, 1,255 over TCP)")
	fs.StringSliceVar(&templates, "template", nil, "only try these templates")
	return func() (any, error) {
		req := v1alpha1.ModbusDiscoverRequest{BusRef: bus, Templates: templates}
		def := "1-10"
		switch {
		case (bus == "") == (tcp == ""):
			return nil, errors.New("give exactly one of --bus or --tcp")
		case tcp != "":
			host, port, err := hostPort("--tcp", tcp)
			if err != nil {
				return nil, err
			}
			req.ModbusTCP = &v1alpha1.ModbusTCPConnection{Host: host, Port: port}
			def = "1,255"
		}
		var err error
		req.Units, err = parseUnits(cmp.Or(units, def))
		return req, err
	}
}

// printDiscovered writes a unit per row, with the templates it matched and
// why the first other one does not fit.
func printDiscovered(out, _ io.Writer, result any) error {
	res := result.(*v1alpha1.ModbusDiscoverResult)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UNIT\tANSWERED\tTEMPLATES\tWHY NOT (first other template)")
	for _, u := range res.Units {
		why := "-"
		for _, name := range slices.Sorted(maps.Keys(u.Mismatches)) {
			why = name + ": " + u.Mismatches[name]
			break
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", u.Unit, yesNo(u.Answered), cmp.Or(strings.Join(u.Matches, ","), "-"), why)
	}
	return tw.Flush()
}

// mappingTestFlags are `gwctl mapping test --template`'s --modbus-tcp,
// --modbus-rtu and their --unit.
var mappingTestFlags = &drivers.MappingTestFlags{
	Flags: testFlags,
	Example: `  gwctl mapping test --template keba-p30 --modbus-tcp 192.168.1.40 --unit 255
  gwctl mapping test --template abb-terra-ac --modbus-rtu rs485-1 --unit 3`,
}

func testFlags(fs *pflag.FlagSet) []drivers.ConnectionFlag {
	var tcp, rtu string
	var unit int
	fs.StringVar(&tcp, "modbus-tcp", "", "with --template: the device's Modbus TCP address, host[:port]")
	fs.StringVar(&rtu, "modbus-rtu", "", "with --template: the Bus (RS-485 line) the device is on")
	fs.IntVar(&unit, "unit", 1, "with --modbus-tcp or --modbus-rtu: the unit id")
	return []drivers.ConnectionFlag{
		{Name: "modbus-tcp", Build: func(timeout v1alpha1.Duration) (v1alpha1.ChargerConnection, error) {
			host, port, err := hostPort("--modbus-tcp", tcp)
			if err != nil {
				return v1alpha1.ChargerConnection{}, err
			}
			return v1alpha1.NewConnection(v1alpha1.ConnModbusTCP, &v1alpha1.ModbusTCPConnection{Host: host, Port: port, UnitID: &unit, Timeout: timeout}), nil
		}},
		{Name: "modbus-rtu", Build: func(v1alpha1.Duration) (v1alpha1.ChargerConnection, error) {
			return v1alpha1.NewConnection(v1alpha1.ConnModbusRTU, &v1alpha1.ModbusRTUConnection{BusRef: rtu, UnitID: unit}), nil
		}},
	}
}

// parseUnits reads "1-10,200" into unit ids.
func parseUnits(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a < 0 || b > 255 || a > b {
			return nil, fmt.Errorf("--units %q: %q is not a unit id or range within 0..255", s, part)
		}
		for u := a; u <= b; u++ {
			if !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// hostPort reads a flag's host[:port]; port is 0 when not given.
func hostPort(flag, value string) (string, int, error) {
	h, p, err := net.SplitHostPort(value)
	if err != nil {
		return value, 0, nil // no port: the default one
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return "", 0, fmt.Errorf("%s %q: port %q is not a number", flag, value, p)
	}
	return h, n, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
