package drivers

import (
	"context"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cel"
)

// Discoverer is the discovery hook: an Opener whose protocol can find
// devices by itself (ECHONET Lite's multicast) implements it. The charger
// controller hands it the protocol's usable templates, so that each device
// found can be matched to the templates that fit it. The request and the
// result are the protocol's own types (v1alpha1.EchonetDiscoverRequest).
type Discoverer interface {
	Discover(ctx context.Context, req any, templates []Candidate) (any, error)
}

// Candidate is one template a discovery may suggest: resolved (extends
// applied) and compiled.
type Candidate struct {
	Name    string
	Spec    v1alpha1.TemplateSpec
	Mapping *cel.Mapping
}
