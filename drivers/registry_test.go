package drivers

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	celgo "cel.dev/cel-go/cel"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/spf13/pflag"
)

// A protocol registered by this test only, as a protocol package would.
type fakeConn struct {
	Addr string `json:"addr"`
}

func (c *fakeConn) SetDefaults() {}
func (c *fakeConn) Validate(p v1alpha1.FieldPath) []v1alpha1.FieldError {
	if c.Addr == "" {
		return []v1alpha1.FieldError{{Field: p.Key("addr").String(), Reason: "required"}}
	}
	return nil
}

type fakeOpener struct {
	config         any
	opened, closed int
}

func (o *fakeOpener) Open(context.Context, Config) (Device, error) { o.opened++; return nil, nil }
func (o *fakeOpener) Close() error                                 { o.closed++; return nil }

var fakeOpens = prometheus.NewDesc("fake_opens_total", "Devices the fake opener opened.", nil, nil)

func (o *fakeOpener) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(fakeOpens, prometheus.CounterValue, float64(o.opened))
}

var fakes []*fakeOpener

func init() {
	Register(Protocol{Name: "fake", Connections: map[string]reflect.Type{"fakeNet": reflect.TypeFor[fakeConn]()},
		CEL:       cel.Protocol{Options: func(string) []celgo.EnvOption { return nil }},
		NewOpener: func(c any) (Opener, error) { o := &fakeOpener{config: c}; fakes = append(fakes, o); return o, nil },
		Metrics:   []*prometheus.Desc{fakeOpens},
		Flags: func(fs *pflag.FlagSet) func() any {
			addr := fs.String("fake-addr", "default", "where the fake protocol's devices are")
			return func() any { return *addr }
		}})
}

// TestRegisterReachesEveryLayer: one registration makes the protocol a
// Template protocol, its connection a Charger connection with validation,
// and a CEL environment.
func TestRegisterReachesEveryLayer(t *testing.T) {
	if !slices.Contains(Names(), "fake") || !slices.Contains(v1alpha1.Protocols(), "fake") {
		t.Fatalf("names %v, v1alpha1 %v", Names(), v1alpha1.Protocols())
	}
	var c v1alpha1.ChargerConnection
	if err := json.Unmarshal([]byte(`{"fakeNet":{"addr":"x"}}`), &c); err != nil || c.Protocol() != "fake" {
		t.Fatalf("%v %q", err, c.Protocol())
	}
	spec := v1alpha1.ChargerSpec{TemplateRef: "t", Connection: v1alpha1.NewConnection("fakeNet", &fakeConn{})}
	spec.SetDefaults(&v1alpha1.ObjectMeta{Name: "c"})
	errs := spec.Validate(&v1alpha1.ObjectMeta{Name: "c"})
	if len(errs) != 1 || errs[0].Field != "spec.connection.fakeNet.addr" {
		t.Errorf("validation %v", errs)
	}
	if _, err := cel.Compile(cel.SignalEnv("fake"), "connectorId == 1", cel.OutputBool); err != nil {
		t.Errorf("no CEL environment: %v", err)
	}
}

func TestSetOpensThroughTheProtocolOfTheKey(t *testing.T) {
	s := NewSet(nil)
	cfg := Config{Charger: "c", Connection: v1alpha1.NewConnection("fakeNet", &fakeConn{Addr: "x"})}
	before := len(fakes)
	for range 3 {
		if _, err := s.Open(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	if len(fakes) != before+1 || fakes[before].opened != 3 {
		t.Fatalf("openers made %d, opens %d; want one opener for three devices", len(fakes)-before, fakes[before].opened)
	}
	_, err := s.Open(context.Background(), Config{Connection: v1alpha1.NewConnection(v1alpha1.ConnModbusTCP, &v1alpha1.ModbusTCPConnection{})})
	if err == nil || !strings.Contains(err.Error(), `protocol "modbus" has no driver`) {
		t.Errorf("a protocol without a driver here: %v", err)
	}
	if err := s.Close(); err != nil || fakes[before].closed != 1 {
		t.Errorf("close: %v, closed %d", err, fakes[before].closed)
	}
	if _, err := s.Open(context.Background(), cfg); err == nil {
		t.Error("opened after Close")
	}
}

// TestSetCollectsItsOpeners: a Set describes every registered protocol's
// families from the start, and exports those of the openers it has made.
func TestSetCollectsItsOpeners(t *testing.T) {
	s := NewSet(nil)
	defer s.Close()
	reg := prometheus.NewPedanticRegistry() // fails a metric whose family is not described
	if err := reg.Register(s); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(reg, "fake_opens_total"); err != nil || n != 0 {
		t.Fatalf("before the opener is made: %d series, %v", n, err)
	}
	cfg := Config{Charger: "c", Connection: v1alpha1.NewConnection("fakeNet", &fakeConn{Addr: "x"})}
	for range 2 {
		if _, err := s.Open(context.Background(), cfg); err != nil {
			t.Fatal(err)
		}
	}
	want := "# HELP fake_opens_total Devices the fake opener opened.\n# TYPE fake_opens_total counter\nfake_opens_total 2\n"
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "fake_opens_total"); err != nil {
		t.Error(err)
	}
}

// TestFlagsConfigureTheOpener: a protocol's flags are defined by AddFlags,
// and their parsed values are the configuration its opener is made from.
func TestFlagsConfigureTheOpener(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{{nil, "default"}, {[]string{"--fake-addr", "10.0.0.9"}, "10.0.0.9"}} {
		fs := pflag.NewFlagSet("gwd", pflag.ContinueOnError)
		configs := AddFlags(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		s := NewSet(configs())
		o, err := s.Opener("fake")
		if err != nil {
			t.Fatal(err)
		}
		if got := o.(*fakeOpener).config; got != c.want {
			t.Errorf("%q: the opener got %v, want %q", c.args, got, c.want)
		}
		s.Close()
	}
}
