package drivers

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestRegisterRefusesIncompleteCLI: a gwctl discover command without a
// DiscoverRequest, or without what gwctl needs to run it, and mapping-test
// flags that define none, are programming errors caught at registration.
func TestRegisterRefusesIncompleteCLI(t *testing.T) {
	open := func(any) (Opener, error) { return nil, nil }
	d := DiscoverCommand{
		Flags:  func(*pflag.FlagSet) func() (any, error) { return nil },
		Result: reflect.TypeFor[struct{}](),
		Print:  func(io.Writer, io.Writer, any) error { return nil },
	}
	noPrint := d
	noPrint.Print = nil
	for want, p := range map[string]Protocol{
		"no DiscoverRequest":   {Name: "cli1", NewOpener: open, DiscoverCommand: &d},
		"needs Flags, Result":  {Name: "cli2", NewOpener: open, DiscoverCommand: &noPrint, DiscoverRequest: reflect.TypeFor[struct{}]()},
		"MappingTestFlags wit": {Name: "cli3", NewOpener: open, MappingTestFlags: &MappingTestFlags{Example: "x"}},
	} {
		got := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			Register(p)
			return ""
		}()
		if !strings.Contains(got, want) || !strings.Contains(got, p.Name) {
			t.Errorf("%s: panic %q, want one saying %q", p.Name, got, want)
		}
		if _, ok := Lookup(p.Name); ok {
			t.Errorf("%s is registered", p.Name)
		}
	}
}
