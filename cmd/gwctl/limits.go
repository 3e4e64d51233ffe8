package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// evseLimits returns status.ocpp.limits, one entry per EVSE, as the station
// wrote them.
func evseLimits(v *view) []map[string]any { return mapsAt(v.status, "ocpp.limits") }

// perEVSE joins one value per EVSE, "16A" or "16A,10A".
func perEVSE(v *view, value func(l map[string]any) string) string {
	var parts []string
	for _, l := range evseLimits(v) {
		parts = append(parts, value(l))
	}
	return joinFew(parts, 3)
}

// amps shows the current at path as "16A"; "-" when absent.
func amps(m map[string]any, path string) string {
	if val := lookup(m, path); val != nil {
		return format(val) + "A"
	}
	return "-"
}

// limitColumn is the limit in force on each EVSE.
func limitColumn(v *view) string {
	return perEVSE(v, func(l map[string]any) string { return amps(l, "limitA") })
}

// limitSourceColumn is which bound sets each EVSE's limit: CSMS, Site or
// Charger.
func limitSourceColumn(v *view) string {
	return perEVSE(v, func(l map[string]any) string { return first(l, "source") })
}

// nextChangeColumn is each EVSE's next scheduled change, "8A at 18:00Z", or
// "-" when none is scheduled.
func nextChangeColumn(v *view) string {
	return perEVSE(v, func(l map[string]any) string {
		at, ok := timeAt(l, "nextChange")
		if !ok {
			return "-"
		}
		return amps(l, "nextLimitA") + " at " + clockTime(at, v.now)
	})
}

// clockTime shows a time of today (UTC) as "18:00Z", a later one with its
// date, "Jun 2 06:00Z".
func clockTime(t, now time.Time) string {
	t, now = t.UTC(), now.UTC()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04Z")
	}
	return t.Format("Jan 2 15:04Z")
}

// untilStamp shows a future timestamp with the time left,
// "2025-01-01T18:00:00Z (in 2h)".
func untilStamp(t, now time.Time) string {
	return fmt.Sprintf("%s (in %s)", t.UTC().Format(time.RFC3339), humanDuration(t.Sub(now)))
}

// chargerDetails is what describe adds for a Charger: the current limit on
// each EVSE and every bound it was chosen from, then the charger's
// ChargingProfiles. The limits are left out of the Status section.
var chargerDetails = kindDetail{hide: []string{"ocpp.limits"}, write: func(w fieldWriter, v *view) {
	writeChargingLimits(w, v)
	writeChargerProfiles(w, v)
}}

func writeChargingLimits(w fieldWriter, v *view) {
	limits := evseLimits(v)
	if len(limits) == 0 {
		w.field("Charging Limits", "<none>")
		return
	}
	var spec v1alpha1.ChargerSpec
	// A spec that does not decode leaves the defaults, which is what the
	// station would use for the missing fields too.
	_ = json.Unmarshal(v.obj.Spec, &spec)
	supply := spec.Supply()
	w.heading("Charging Limits")
	for _, l := range limits {
		w.indent().heading("EVSE " + first(l, "evseId"))
		f := w.indent().indent()
		f.width = len(f.prefix) + len("Charger Maximum: ")
		f.field("Limit", amps(l, "limitA")+" (from "+first(l, "source")+")")
		f.field("CSMS Composite", orText(amps(l, "csmsLimitA"), "none (no CSMS profile applies)"))
		f.field("Site Share", orText(amps(l, "siteShareA"), "none (no site limit selects the charger)"))
		f.field("Charger Maximum", fmt.Sprintf("%gA (spec.electrical.maxCurrentA)", supply.MaxCurrentA))
		written := "not yet taken by the device"
		if a := amps(l, "writtenA"); a != "-" {
			written = a
			if ts, _ := lookup(l, "writtenAt").(string); ts != "" {
				written += " at " + stamp(ts, v.now)
			}
		}
		f.field("Written", written)
		next := "none scheduled"
		if at, ok := timeAt(l, "nextChange"); ok {
			next = amps(l, "nextLimitA") + " at " + untilStamp(at, v.now)
		}
		f.field("Next Change", next)
	}
}

// writeChargerProfiles lists the ChargingProfiles labelled with the
// charger: those the CSMS set and its site shares.
func writeChargerProfiles(w fieldWriter, v *view) {
	if v.find == nil {
		return
	}
	profiles, err := v.find(v1alpha1.KindChargingProfile, v1alpha1.ChargerLabel+"="+v.obj.Metadata.Name)
	switch {
	case err != nil:
		w.field("Charging Profiles", "<cannot list: "+err.Error()+">")
		return
	case len(profiles) == 0:
		w.field("Charging Profiles", "<none>")
		return
	}
	w.heading("Charging Profiles")
	rows := [][]string{{"NAME", "SOURCE", "EVSE", "PURPOSE", "STACK", "LIMIT", "SITE"}}
	for _, p := range profiles {
		pv := newView(p, v.now)
		rows = append(rows, []string{p.Metadata.Name, first(pv.spec, "source"), first(pv.spec, "evseId"),
			shortPurpose(first(pv.spec, "chargingProfilePurpose")), first(pv.spec, "stackLevel"), profileLimit(pv),
			first(pv.spec, "siteRef")})
	}
	w.table(rows)
}

// orText replaces "-" with a phrase that says why nothing is there.
func orText(s, none string) string {
	if s == "-" {
		return none
	}
	return s
}
