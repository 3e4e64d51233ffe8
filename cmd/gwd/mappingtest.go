package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/server"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/controllers/station"
	"github.com/ocppgw/ocppgw/store"
)

// mappingTest answers `gwctl mapping test`: one live read through the
// charger controller, plus the StatusNotification and MeterValues payloads
// the station would send for what was read.
func mappingTest(st *store.Store, chargers *charger.Reconciler) func(context.Context, string) (any, error) {
	return func(ctx context.Context, name string) (any, error) {
		res, err := chargers.Probe(ctx, name)
		if err != nil {
			return nil, err
		}
		obj, err := st.Get(v1alpha1.KindCharger, name)
		if err != nil {
			return nil, err
		}
		var spec v1alpha1.ChargerSpec
		if err := json.Unmarshal(obj.Spec, &spec); err != nil {
			return nil, fmt.Errorf("charger %q: decode spec: %w", name, err)
		}
		if res.OCPP, err = json.Marshal(station.PreviewOf(spec.EVSEs, observationOf(res), time.Now())); err != nil {
			return nil, err
		}
		return res, nil
	}
}

// tryTemplate answers `gwctl mapping test --template`: one read of a device
// no Charger describes yet, with the payloads the station would send.
func tryTemplate(chargers *charger.Reconciler) func(context.Context, v1alpha1.MappingTestRequest) (any, error) {
	return func(ctx context.Context, req v1alpha1.MappingTestRequest) (any, error) {
		res, err := chargers.TryTemplate(ctx, req)
		if errors.Is(err, charger.ErrInvalidRequest) {
			return nil, fmt.Errorf("%w: %w", server.ErrInvalidInput, err)
		}
		if err != nil {
			return nil, err
		}
		// The layout the test evaluated, defaults applied.
		var evses []v1alpha1.EVSE
		for _, c := range res.Connectors {
			if n := len(evses); n == 0 || evses[n-1].ID != c.EVSEID {
				evses = append(evses, v1alpha1.EVSE{ID: c.EVSEID})
			}
			evses[len(evses)-1].Connectors = append(evses[len(evses)-1].Connectors, v1alpha1.Connector{ID: c.ConnectorID})
		}
		if res.OCPP, err = json.Marshal(station.PreviewOf(evses, observationOf(res), time.Now())); err != nil {
			return nil, err
		}
		return res, nil
	}
}

// observationOf is what a station would observe from a mapping test.
func observationOf(res *v1alpha1.MappingTest) station.Observation {
	obs := station.Observation{Reachable: true, Signals: map[station.ConnectorRef]map[string]any{},
		Unknown: map[station.ConnectorRef]map[string]string{}}
	for _, c := range res.Connectors {
		ref := station.ConnectorRef{EVSE: c.EVSEID, Connector: c.ConnectorID}
		obs.Signals[ref], obs.Unknown[ref] = c.Signals, c.Unknown
	}
	return obs
}
