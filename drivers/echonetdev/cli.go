package echonetdev

import (
	"cmp"
	"fmt"
	"io"
	"reflect"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
)

// discoverCommand is `gwctl discover echonet`: a multicast discovery from
// gwd's socket.
var discoverCommand = &drivers.DiscoverCommand{
	Short: "gwctl.discover.echonet.short",
	Long:  "gwctl.discover.echonet.long",
	Example: `  gwctl discover echonet
  gwctl discover echonet --window 5s -o json`,
	Flags:  discoverFlags,
	Result: reflect.TypeFor[v1alpha1.EchonetDiscoverResult](),
	Print:  printDiscovered,
}

func discoverFlags(fs *pflag.FlagSet) func() (any, error) {
	var window time.Duration
	fs.DurationVar(&window, "window", 3*time.Second, "how long to collect answers")
	return func() (any, error) {
		return v1alpha1.EchonetDiscoverRequest{Window: v1alpha1.Duration(window.String())}, nil
	}
}

// printDiscovered writes a device object per row (a node without any as
// one row of dashes), and what could not be read as warnings.
func printDiscovered(out, warn io.Writer, result any) error {
	res := result.(*v1alpha1.EchonetDiscoverResult)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tEOJ\tCLASS\tMAKER\tTEMPLATES\tGET MAP\tSET MAP")
	var problems []string
	for _, n := range res.Nodes {
		if len(n.Objects) == 0 {
			fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t-\n", n.Address)
		}
		if n.Error != "" {
			problems = append(problems, n.Address+": "+n.Error)
		}
		for _, ob := range n.Objects {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n.Address, ob.EOJ, cmp.Or(ob.Class, "-"), cmp.Or(ob.Maker, "-"),
				cmp.Or(strings.Join(ob.Matches, ","), "-"), cmp.Or(strings.Join(ob.GetMap, " "), "-"), cmp.Or(strings.Join(ob.SetMap, " "), "-"))
			if ob.Error != "" {
				problems = append(problems, n.Address+" "+ob.EOJ+": "+ob.Error)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(warn, "warning: %s\n", p)
	}
	return nil
}

// mappingTestFlags are `gwctl mapping test --template`'s --echonet and its
// --eoj.
var mappingTestFlags = &drivers.MappingTestFlags{
	Flags:   testFlags,
	Example: `  gwctl mapping test --template echonet-ev-charger --echonet 192.168.1.50 --eoj 0x02A101`,
}

func testFlags(fs *pflag.FlagSet) []drivers.ConnectionFlag {
	var address, eoj string
	fs.StringVar(&address, "echonet", "", "with --template: the device's ECHONET Lite IP address")
	fs.StringVar(&eoj, "eoj", "0x02A101", "with --echonet: the device object")
	return []drivers.ConnectionFlag{{Name: "echonet", Build: func(timeout v1alpha1.Duration) (v1alpha1.ChargerConnection, error) {
		return v1alpha1.NewConnection(v1alpha1.ConnEchonet, &v1alpha1.EchonetConnection{Address: address, EOJ: eoj, Timeout: timeout}), nil
	}}}
}
