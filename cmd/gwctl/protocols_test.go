package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/server"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers"
)

// lab is a protocol only this test registers: gwctl learns of its
// discovery command and its mapping-test flags from the registry alone.
const lab = "lab"

type labConnection struct {
	Port string `json:"port"`
	Slot int    `json:"slot"`
}

func (*labConnection) SetDefaults()                                      {}
func (*labConnection) Validate(v1alpha1.FieldPath) []v1alpha1.FieldError { return nil }

type labDiscoverRequest struct {
	Port  string `json:"port"`
	Depth int    `json:"depth"`
}

type labDiscoverResult struct {
	Found []string `json:"found"`
}

var registerLab = sync.OnceFunc(func() {
	drivers.Register(drivers.Protocol{
		Name:            lab,
		Connections:     map[string]reflect.Type{lab: reflect.TypeFor[labConnection]()},
		NewOpener:       func(any) (drivers.Opener, error) { return nil, errors.New("no lab devices here") },
		DiscoverRequest: reflect.TypeFor[labDiscoverRequest](),
		DiscoverCommand: &drivers.DiscoverCommand{
			Args:    "--port PORT",
			Short:   "Find lab devices on a port",
			Example: "  gwctl discover lab --port p1",
			Flags: func(fs *pflag.FlagSet) func() (any, error) {
				var req labDiscoverRequest
				fs.StringVar(&req.Port, "port", "", "the lab port to scan")
				fs.IntVar(&req.Depth, "depth", 1, "how deep to look")
				return func() (any, error) {
					if req.Port == "" {
						return nil, errors.New("give --port")
					}
					return req, nil
				}
			},
			Result: reflect.TypeFor[labDiscoverResult](),
			Print: func(out, warn io.Writer, res any) error {
				fmt.Fprintln(out, "FOUND")
				for _, f := range res.(*labDiscoverResult).Found {
					fmt.Fprintln(out, f)
				}
				fmt.Fprintln(warn, "warning: the lab is noisy")
				return nil
			},
		},
		MappingTestFlags: &drivers.MappingTestFlags{
			Example: "  gwctl mapping test --template lab-box --lab-port p2",
			Flags: func(fs *pflag.FlagSet) []drivers.ConnectionFlag {
				var c labConnection
				fs.StringVar(&c.Port, "lab-port", "", "with --template: the lab port")
				fs.IntVar(&c.Slot, "lab-slot", 1, "with --lab-port: the slot")
				return []drivers.ConnectionFlag{{Name: "lab-port", Build: func(v1alpha1.Duration) (v1alpha1.ChargerConnection, error) {
					return v1alpha1.NewConnection(lab, &c), nil
				}}}
			},
		},
	})
})

// TestRegisteredDiscoverCommand: a registered protocol gets `gwctl discover
// <protocol>` with its help and flags; its flags build the request gwd gets,
// its table prints the answer, -o json prints it as decoded, and its
// request's errors are usage errors sent nowhere.
func TestRegisteredDiscoverCommand(t *testing.T) {
	registerLab()
	var mu sync.Mutex
	var got []string
	e := newTestEnvWith(t, server.Options{Discover: func(_ context.Context, protocol string, body []byte) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, protocol+" "+string(body))
		return labDiscoverResult{Found: []string{"box-1", "box-2"}}, nil
	}})
	if out := e.mustRun("discover", "--help"); !hasLine(out, `\s+lab\s+Find lab devices on a port`) {
		t.Errorf("discover --help does not list lab:\n%s", out)
	}
	help := e.mustRun("discover", "lab", "--help")
	for _, want := range []string{"gwctl discover lab --port PORT [flags]", "gwctl discover lab --port p1", "--depth int", "the lab port to scan"} {
		if !strings.Contains(help, want) {
			t.Errorf("discover lab --help lacks %q:\n%s", want, help)
		}
	}
	r := e.run("discover", "lab", "--port", "p1", "--depth", "3")
	if r.code != 0 || r.out != "FOUND\nbox-1\nbox-2\n" || r.err != "warning: the lab is noisy\n" {
		t.Errorf("discover lab: exit %d, stdout %q, stderr %q", r.code, r.out, r.err)
	}
	var res labDiscoverResult
	if out := e.mustRun("discover", "lab", "--port", "p1", "-o", "json"); json.Unmarshal([]byte(out), &res) != nil || len(res.Found) != 2 {
		t.Errorf("discover lab -o json: %q", out)
	}
	r = e.run("discover", "lab")
	if r.code != 2 || r.err != "error: give --port\n" {
		t.Errorf("discover lab without --port: exit %d, stderr %q", r.code, r.err)
	}
	want := []string{`lab {"port":"p1","depth":3}`, `lab {"port":"p1","depth":1}`}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, want) {
		t.Errorf("gwd got %q, want %q", got, want)
	}
}

// TestRegisteredMappingTestFlags: a registered protocol's connection flags
// are `gwctl mapping test`'s, listed in its help and its errors, and build
// the connection gwd gets.
func TestRegisteredMappingTestFlags(t *testing.T) {
	registerLab()
	var mu sync.Mutex
	var got []v1alpha1.MappingTestRequest
	e := newTestEnvWith(t, server.Options{TryTemplate: func(_ context.Context, req v1alpha1.MappingTestRequest) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, req)
		return v1alpha1.MappingTest{Template: req.Template, Protocol: req.Connection.Protocol()}, nil
	}})
	help := e.mustRun("mapping", "test", "--help")
	for _, want := range []string{"gwctl mapping test --template lab-box --lab-port p2", "--lab-slot int", "with --lab-port: the slot (default 1)"} {
		if !strings.Contains(help, want) {
			t.Errorf("mapping test --help lacks %q:\n%s", want, help)
		}
	}
	out := e.mustRun("mapping", "test", "--template", "lab-box", "--lab-port", "p2", "--lab-slot", "4")
	if !strings.Contains(out, "Template:  lab-box (lab)") {
		t.Errorf("mapping test output:\n%s", out)
	}
	requests := func() []v1alpha1.MappingTestRequest {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
	reqs := requests()
	if len(reqs) != 1 {
		t.Fatalf("gwd got %d requests, want 1", len(reqs))
	}
	if c := v1alpha1.ConnectionAs[labConnection](reqs[0].Connection); c == nil || *c != (labConnection{Port: "p2", Slot: 4}) {
		t.Errorf("gwd got connection %q %+v", reqs[0].Connection.Key(), reqs[0].Connection.Spec())
	}
	for _, args := range [][]string{
		{"mapping", "test", "--template", "lab-box"},
		{"mapping", "test", "--template", "lab-box", "--lab-port", "p2", "--connection", `{"lab": {}}`},
	} {
		r := e.run(args...)
		if r.code != 2 || !strings.Contains(r.err, "--template needs exactly one of ") || !strings.Contains(r.err, "--lab-port") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
	if n := len(requests()); n != 1 {
		t.Errorf("gwd got %d requests, want 1", n)
	}
}
