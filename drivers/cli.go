package drivers

import (
	"fmt"
	"io"
	"reflect"

	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// DiscoverCommand is a protocol's `gwctl discover <protocol>`: what its help
// says, its flags and how they build the protocol's DiscoverRequest, and how
// its result reads as a table. gwctl adds one command per registered
// protocol that declares it, named after the protocol, and keeps what every
// discovery shares to itself: -o json, the request to gwd and its timeout,
// exit statuses.
type DiscoverCommand struct {
	// Args is the usage after the command's name ("(--bus BUS | --tcp
	// HOST[:PORT]) [--units LIST]"); "" when it takes only flags.
	Args string
	// Short and Long are ids of gwctl's message catalogue
	// (internal/i18n/catalog/en.yaml and ja.yaml, which gwd and gwctl share
	// and whose tests hold every id in both languages), shown in the
	// invocation's language: "gwctl.discover.<protocol>.short". An id the
	// catalogue lacks is shown as written, so a protocol without catalogue
	// entries may give its English text here.
	Short, Long string
	// Example is the command's examples, as cobra prints them.
	Example string
	// Flags defines the command's flags on fs and returns what builds the
	// request from their values once the command line is parsed: a value of
	// the protocol's DiscoverRequest type, or an error gwctl reports as a
	// usage error (exit status 2) with its text as is.
	Flags func(fs *pflag.FlagSet) func() (any, error)
	// Result is the Go type of gwd's answer, which -o json prints as decoded.
	Result reflect.Type
	// Print writes a result (a pointer to a Result) as a table to out, and
	// what deserves a look beyond the table (a node that answered in part)
	// to warn.
	Print func(out, warn io.Writer, result any) error
}

// MappingTestFlags are a protocol's flags of `gwctl mapping test --template`,
// which give a device's connection without writing it in JSON as
// --connection does. gwctl defines every registered protocol's and needs
// exactly one connection flag, of any protocol, or --connection.
type MappingTestFlags struct {
	// Flags defines the protocol's flags on fs (its connection flags and
	// those they read, such as a unit id) and returns its connection flags.
	Flags func(fs *pflag.FlagSet) []ConnectionFlag
	// Example is lines of `gwctl mapping test`'s examples, as cobra prints
	// them.
	Example string
}

// ConnectionFlag is a string flag that gives a device's connection: it is
// given when its value is not empty.
type ConnectionFlag struct {
	// Name is the flag's name, without dashes ("modbus-tcp").
	Name string
	// Build makes the connection from the flags' values once the command
	// line is parsed; timeout is gwctl's --timeout ("" when not given).
	// Its error is a usage error (exit status 2), shown as is.
	Build func(timeout v1alpha1.Duration) (v1alpha1.ChargerConnection, error)
}

// checkCLI panics when p's gwctl pieces are incomplete.
func checkCLI(p Protocol) {
	if d := p.DiscoverCommand; d != nil {
		switch {
		case p.DiscoverRequest == nil:
			panic(fmt.Sprintf("drivers: protocol %q has a DiscoverCommand but no DiscoverRequest", p.Name))
		case d.Flags == nil || d.Result == nil || d.Print == nil:
			panic(fmt.Sprintf("drivers: protocol %q: a DiscoverCommand needs Flags, Result and Print", p.Name))
		}
	}
	if m := p.MappingTestFlags; m != nil && m.Flags == nil {
		panic(fmt.Sprintf("drivers: protocol %q: MappingTestFlags without Flags", p.Name))
	}
}
