package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// profileComputed are a ChargingProfile's computed columns: what it
// applies to, its purpose in short and the limit it sets.
var profileComputed = map[string]func(v *view) string{
	"CHARGER": profileTarget,
	"PURPOSE": func(v *view) string { return shortPurpose(first(v.spec, "chargingProfilePurpose")) },
	"LIMIT":   profileLimit,
}

// shortPurpose drops what every purpose repeats, so the column stays narrow.
func shortPurpose(p string) string {
	switch p {
	case "ChargingStationExternalConstraints":
		return "External"
	case "ChargingStationMaxProfile":
		return "StationMax"
	}
	return strings.TrimSuffix(p, "Profile")
}

// profileTarget is the charger a profile names, or for an operator profile
// that selects chargers, how many it selects and how: "3 by selector
// site=north", "ch-1,ch-2", or both.
func profileTarget(v *view) string {
	if ref := first(v.spec, "chargerRef"); ref != "-" {
		return ref
	}
	sel, _ := lookup(v.spec, "chargers.selector").(string)
	names := stringsAt(v.spec, "chargers.names")
	if sel == "" {
		return joinFew(names, 3)
	}
	s := selectedCount(v, sel, names) + " by selector " + sel
	if len(names) > 0 {
		s += " + " + joinFew(names, 3)
	}
	return s
}

// selectedCount counts the chargers a selection holds (the selector's
// matches and the names, once each); "?" when they cannot be listed.
func selectedCount(v *view, selector string, names []string) string {
	if v.find == nil {
		return "?"
	}
	objs, err := v.find(v1alpha1.KindCharger, selector)
	if err != nil {
		return "?"
	}
	set := map[string]bool{}
	for _, o := range objs {
		set[o.Metadata.Name] = true
	}
	for _, n := range names {
		set[n] = true
	}
	return fmt.Sprint(len(set))
}

// profileLimit is a constant limit, or the first period's limit of the
// first schedule, with its unit: "250A", "11000W".
func profileLimit(v *view) string {
	if val := lookup(v.spec, "limit.value"); val != nil {
		return format(val) + first(v.spec, "limit.unit")
	}
	scheds, _ := lookup(v.spec, "chargingSchedule").([]any)
	if len(scheds) == 0 {
		return "-"
	}
	s, _ := scheds[0].(map[string]any)
	periods, _ := lookup(s, "chargingSchedulePeriod").([]any)
	if len(periods) == 0 {
		return "-"
	}
	p, _ := periods[0].(map[string]any)
	if val := lookup(p, "limit"); val != nil {
		return format(val) + first(s, "chargingRateUnit")
	}
	return "-"
}

// stringsAt returns the strings of the list at path.
func stringsAt(m map[string]any, path string) []string {
	list, _ := lookup(m, path).([]any)
	var out []string
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// profileSourceLine says in words who set a profile and what it is for.
func profileSourceLine(v *view) string {
	switch src := first(v.spec, "source"); src {
	case v1alpha1.ProfileSourceCSMS:
		return "csms (set by the CSMS through the charger's station)"
	case v1alpha1.ProfileSourceOperator:
		return "operator (a site limit, shared among the selected chargers' sessions)"
	case v1alpha1.ProfileSourceSite:
		return "site (this charger's share of site limit " + first(v.spec, "siteRef") + ", written by the gateway)"
	default:
		return src
	}
}

// profileDetails is what describe adds for a ChargingProfile: in words who
// set it, what it applies to, when it holds and the limit, with each
// schedule's periods as a table of clock times.
var profileDetails = kindDetail{write: func(w fieldWriter, v *view) {
	w.heading("Profile")
	f := w.indent()
	f.field("Source", profileSourceLine(v))
	f.field("Applies To", profileAppliesTo(v))
	f.field("Purpose", first(v.spec, "chargingProfilePurpose")+", stack level "+first(v.spec, "stackLevel"))
	f.field("Valid", profileValidity(v))
	if tx := first(v.spec, "transactionId"); tx != "-" {
		f.field("Transaction", tx)
	}
	if val := lookup(v.spec, "limit.value"); val != nil {
		f.field("Limit", constantLimitLine(v, format(val)+" "+first(v.spec, "limit.unit")))
	}
	scheds, _ := lookup(v.spec, "chargingSchedule").([]any)
	for i, s := range scheds {
		if m, ok := s.(map[string]any); ok {
			writeSchedule(f, v, i+1, m)
		}
	}
	if c, ok := lookup(v.status, "compositeLimit").(map[string]any); ok {
		line := first(c, "limit") + " " + first(c, "chargingRateUnit")
		if s := first(c, "since"); s != "-" {
			line += " since " + s
		}
		if u := first(c, "until"); u != "-" {
			line += " until " + u
		}
		f.field("Composite Now", line)
	}
}}

// constantLimitLine says what a constant limit binds: the selected chargers
// together (operator), or what this charger has of one now (site share).
func constantLimitLine(v *view, limit string) string {
	if first(v.spec, "source") == v1alpha1.ProfileSourceOperator {
		return limit + " for all the chargers it applies to together, at all times"
	}
	return limit + ", this charger's share now (rewritten as sessions start, stop and draw less)"
}

// profileAppliesTo names the charger and EVSE, or the chargers an operator
// profile selects, listed by name when they can be found.
func profileAppliesTo(v *view) string {
	evse := "EVSE " + first(v.spec, "evseId")
	if evse == "EVSE 0" {
		evse = "the whole station (EVSE 0)"
	}
	if ref := first(v.spec, "chargerRef"); ref != "-" {
		return "charger " + ref + ", " + evse
	}
	sel, _ := lookup(v.spec, "chargers.selector").(string)
	names := stringsAt(v.spec, "chargers.names")
	if sel == "" {
		return "chargers " + joinFew(names, 10) + ", " + evse
	}
	s := "chargers matching " + sel
	if len(names) > 0 {
		s += " and " + joinFew(names, 10)
	}
	if v.find != nil {
		if objs, err := v.find(v1alpha1.KindCharger, sel); err == nil {
			set := map[string]bool{}
			var all []string
			for _, n := range append(objectNames(objs), names...) {
				if !set[n] {
					set[n] = true
					all = append(all, n)
				}
			}
			s += fmt.Sprintf(": %d now (%s)", len(all), joinFew(all, 10))
		}
	}
	return s + ", " + evse
}

func objectNames(objs []*v1alpha1.Object) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = o.Metadata.Name
	}
	return out
}

// profileValidity is "always", "from X", "until Y" or "from X until Y".
func profileValidity(v *view) string {
	from, to := first(v.spec, "validFrom"), first(v.spec, "validTo")
	switch {
	case from == "-" && to == "-":
		return "always"
	case to == "-":
		return "from " + from
	case from == "-":
		return "until " + to
	}
	return "from " + from + " until " + to
}

// writeSchedule shows one chargingSchedule: its kind and start, then each
// period with the clock time it starts at.
func writeSchedule(w fieldWriter, v *view, n int, s map[string]any) {
	kind := first(v.spec, "chargingProfileKind")
	if r := first(v.spec, "recurrencyKind"); r != "-" {
		kind += " " + r
	}
	line := kind
	if start := first(s, "startSchedule"); start != "-" {
		line += ", starting " + start
	}
	if d := first(s, "duration"); d != "-" {
		line += ", for " + d + "s"
	}
	line += ", in " + first(s, "chargingRateUnit")
	if m := first(s, "minChargingRate"); m != "-" {
		line += ", min rate " + m
	}
	w.field(fmt.Sprintf("Schedule %s", first(s, "id")), line)
	start, hasStart := timeAt(s, "startSchedule")
	rows := [][]string{{"OFFSET", "AT", "LIMIT", "PHASES"}}
	periods, _ := lookup(s, "chargingSchedulePeriod").([]any)
	for _, p := range periods {
		pm, _ := p.(map[string]any)
		off, _ := numberAt(pm, "startPeriod")
		at := "-"
		if hasStart {
			at = periodClock(start.Add(time.Duration(off)*time.Second), first(v.spec, "recurrencyKind"))
		}
		rows = append(rows, []string{offsetText(int(off)), at, first(pm, "limit") + first(s, "chargingRateUnit"), first(pm, "numberPhases")})
	}
	w.table(rows)
}

// periodClock shows when a period starts: the time of day for a daily
// schedule, day and time for a weekly one, the instant otherwise.
func periodClock(t time.Time, recurrency string) string {
	t = t.UTC()
	switch recurrency {
	case "Daily":
		return t.Format("15:04Z") + " daily"
	case "Weekly":
		return t.Format("Mon 15:04Z") + " weekly"
	}
	return t.Format(time.RFC3339)
}

// offsetText shows seconds since the schedule's start as "+17h30m".
func offsetText(sec int) string {
	if sec == 0 {
		return "+0s"
	}
	s := "+"
	if d := sec / 86400; d > 0 {
		s += fmt.Sprintf("%dd", d)
	}
	for _, u := range []struct {
		n    int
		unit string
	}{{sec % 86400 / 3600, "h"}, {sec % 3600 / 60, "m"}, {sec % 60, "s"}} {
		if u.n > 0 {
			s += fmt.Sprintf("%d%s", u.n, u.unit)
		}
	}
	return s
}
