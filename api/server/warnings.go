package server

import (
	"encoding/json"
	"fmt"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// maxExtends bounds a template chain walked for a warning; the template
// controller reports longer or cyclic chains itself.
const maxExtends = 16

// pollWarnings warns, for each Charger the apply wrote, when one poll of it
// can take longer than its pollInterval on its transport's timeouts and
// retries: the gateway then skips polls rather than cut them short, and the
// installer should know before the device is slow. tx sees the applied
// objects, so templates and buses applied with the charger count.
func pollWarnings(tx *store.Tx, items []v1alpha1.ApplyItem) []string {
	var out []string
	for _, it := range items {
		if it.Kind != "Charger" || it.Object == nil {
			continue
		}
		var c v1alpha1.ChargerSpec
		if json.Unmarshal(it.Object.Spec, &c) != nil {
			continue
		}
		tpl, ok := resolveTemplate(tx, c.TemplateRef)
		if !ok {
			continue // the charger's TemplateReady condition says why
		}
		var bus *v1alpha1.BusSpec
		if c.Connection.ModbusRTU != nil {
			if b, err := tx.Get("Bus", c.Connection.ModbusRTU.BusRef); err == nil {
				bus = &v1alpha1.BusSpec{}
				if json.Unmarshal(b.Spec, bus) != nil {
					bus = nil
				}
			}
		}
		worst, how := v1alpha1.WorstCasePoll(c, tpl, bus)
		if interval := c.PollInterval.Duration(); interval > 0 && worst > interval {
			out = append(out, fmt.Sprintf("Charger %q: one poll can take up to %v (%s), longer than its pollInterval %v; "+
				"when the device is slow, polls are skipped (condition PollsOnTime). Raise pollInterval or lower the timeouts or retries",
				it.Name, worst, how, interval))
		}
	}
	return out
}

// resolveTemplate merges a template with the ones it extends.
func resolveTemplate(tx *store.Tx, name string) (v1alpha1.TemplateSpec, bool) {
	var chain []v1alpha1.TemplateSpec
	for n := name; n != "" && len(chain) < maxExtends; {
		o, err := tx.Get("Template", n)
		if err != nil {
			return v1alpha1.TemplateSpec{}, false
		}
		var t v1alpha1.TemplateSpec
		if json.Unmarshal(o.Spec, &t) != nil {
			return v1alpha1.TemplateSpec{}, false
		}
		chain = append(chain, t)
		n = t.Extends
	}
	if len(chain) == 0 || chain[len(chain)-1].Extends != "" {
		return v1alpha1.TemplateSpec{}, false
	}
	merged := chain[len(chain)-1]
	for i := len(chain) - 2; i >= 0; i-- {
		merged = v1alpha1.MergeTemplate(merged, chain[i])
	}
	return merged, true
}
