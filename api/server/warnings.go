package server

import (
	"encoding/json"
	"fmt"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/store"
)

// pollWarnings warns, for each Charger the apply wrote, when one poll of it
// can take longer than its pollInterval on its transport's timeouts and
// retries: the gateway then skips polls rather than cut them short, and the
// installer should know before the device is slow. tx sees the applied
// objects, so templates and buses applied with the charger count.
func pollWarnings(tx *store.Tx, items []v1alpha1.ApplyItem) []string {
	var out []string
	for _, it := range items {
		if it.Kind != v1alpha1.KindCharger || it.Object == nil {
			continue
		}
		var c v1alpha1.ChargerSpec
		if json.Unmarshal(it.Object.Spec, &c) != nil {
			continue
		}
		tpl, _, err := template.ResolveWith(func(name string) (*v1alpha1.Object, bool) {
			o, err := tx.Get(template.Kind, name)
			return o, err == nil
		}, c.TemplateRef)
		if err != nil {
			continue // the charger's TemplateReady condition says why
		}
		var bus *v1alpha1.BusSpec
		if rtu := v1alpha1.ConnectionAs[v1alpha1.ModbusRTUConnection](c.Connection); rtu != nil {
			if b, err := tx.Get(v1alpha1.KindBus, rtu.BusRef); err == nil {
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
