package drivers

import (
	"context"
	"errors"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
)

// Discoverer is the discovery hook: an Opener whose protocol can find
// devices by itself (ECHONET Lite's multicast) implements it. The charger
// controller hands it the protocol's usable templates, so that each device
// found can be matched to the templates that fit it. The request and the
// result are the protocol's own types (v1alpha1.EchonetDiscoverRequest).
type Discoverer interface {
	Discover(ctx context.Context, req any, env DiscoverEnv) (any, error)
}

// DiscoverEnv is what the charger controller lends a discovery.
type DiscoverEnv struct {
	// Templates are the protocol's usable templates, by name.
	Templates []Candidate
	// Probe opens conn as a Charger using template c would be opened (a
	// Bus resolved from the store), reads it once as a probe (WithProbe)
	// and closes it. An error wrapping ErrInvalidRequest means conn cannot
	// be opened at all (an unknown Bus); any other is the device's answer.
	Probe func(ctx context.Context, conn v1alpha1.ChargerConnection, c Candidate) (*Reading, error)
}

// ErrInvalidRequest marks a discovery or a mapping test that cannot be
// tried as asked: the request's fault, not the device's.
var ErrInvalidRequest = errors.New("invalid request")

// Candidate is one template a discovery may suggest: resolved (extends
// applied) and compiled.
type Candidate struct {
	Name    string
	Spec    v1alpha1.TemplateSpec
	Mapping *cel.Mapping
}
