package sitelimit

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/controllers/sitelimit/share"
)

// ConditionReady is the condition the controller sets on a site limit.
const ConditionReady = "Ready"

// The reasons of the Ready condition.
const (
	// ReasonShared: the shares stored are those the limit calls for.
	ReasonShared = "Shared"
	// ReasonLowering: some raises wait until lowered chargers confirm
	// their lower limits (break-before-make).
	ReasonLowering = "Lowering"
)

// messageMax bounds how many chargers the Ready message names.
const messageMax = 8

// plan is the outcome of one computation for a site.
type plan struct {
	site     string
	want     map[string]shareWant // share name -> charger and A
	sessions []string             // chargers with a session, in service order
	paused   []string             // of those, the ones given 0
	fixedA   float64
	withheld bool
	// wait is the shortest time until a charger's under-use settles.
	wait time.Duration
}

// plan gathers the inputs, computes the shares and applies break-before-make.
func (r *Reconciler) plan(site string, lim siteLimit, sel []observed, have map[string]stored, now time.Time) *plan {
	p := &plan{site: site, want: map[string]shareWant{}}
	var managed []observed
	var in share.Input
	in.LimitA = lim.A
	keep := map[string]bool{}
	for _, o := range sel {
		if !o.managed {
			in.FixedA += o.fixedA()
			continue
		}
		managed = append(managed, o)
		keep[o.name] = true
		in.Chargers = append(in.Chargers, r.input(site, o, have, now, p))
	}
	p.fixedA = in.FixedA
	r.forget(site, keep)
	res := share.Compute(in)
	devs := make([]share.Device, len(managed))
	for i, o := range managed {
		name := ShareName(site, o.name)
		prev, hasPrev := have[name].previousA()
		devs[i] = share.Device{TargetA: res.Shares[i], PreviousA: prev, HasPrevious: hasPrev,
			WrittenA: o.writtenA, WrittenKnown: o.writtenKnown, MinA: o.supply.MinCurrentA, MaxA: o.supply.MaxCurrentA}
		if !r.inflight.confirmedSince(o.writtenAt) {
			// Taken before this controller started: what was stored since
			// then is not in the log, so nothing is known.
			devs[i].WrittenKnown = false
		} else if o.writtenKnown {
			devs[i].InFlightA, _ = r.inflight.inFlight(name, o.writtenAt)
		}
	}
	shares, withheld := share.Commit(res.AvailableA, devs, res.Order)
	p.withheld = withheld
	for i, o := range managed {
		p.want[ShareName(site, o.name)] = shareWant{charger: o.name, a: shares[i]}
	}
	for _, i := range res.Order {
		p.sessions = append(p.sessions, managed[i].name)
	}
	for _, i := range res.Paused {
		p.paused = append(p.paused, managed[i].name)
	}
	return p
}

// input is one managed charger as share.Compute takes it.
func (r *Reconciler) input(site string, o observed, have map[string]stored, now time.Time, p *plan) share.Charger {
	since, session := r.session(o.name)
	allowed, hasPrev := have[ShareName(site, o.name)].previousA()
	c := share.Charger{Name: o.name, MinA: o.supply.MinCurrentA, MaxA: o.supply.MaxCurrentA, Session: session,
		Since: since, DrawA: o.drawA, DrawKnown: o.drawKnown, AllowedA: allowed}
	underusing := session && o.drawKnown && hasPrev && share.Underusing(o.drawA, allowed)
	ok, wait := r.settled(site, o.name, underusing, now)
	c.Settled = ok
	if wait > 0 && (p.wait == 0 || wait < p.wait) {
		p.wait = wait
	}
	return c
}

// requeue is when to look again: at the next change of the limit, or when
// an under-use settles, whichever is first; 0 for neither.
func (p *plan) requeue(next, now time.Time) time.Duration {
	d := p.wait
	if !next.IsZero() {
		// A moment past the change, so the next pass finds it in force.
		until := next.Sub(now) + 10*time.Millisecond
		if d == 0 || until < d {
			d = max(until, time.Millisecond)
		}
	}
	return d
}

func (p *plan) reason() string {
	if p.withheld {
		return ReasonLowering
	}
	return ReasonShared
}

// summary lists the shares, "a=16A b=0A".
func (p *plan) summary() string {
	var b strings.Builder
	for _, name := range sortedKeys(p.want) {
		w := p.want[name]
		fmt.Fprintf(&b, "%s=%gA ", w.charger, w.a)
	}
	return strings.TrimSpace(b.String())
}

// message is the Ready message, e.g. "3 sessions share 250 A: a 83.3 A,
// b 83.3 A, c 83.3 A; paused: d".
func (p *plan) message(lim siteLimit) string {
	shareOf := map[string]float64{}
	for _, w := range p.want {
		shareOf[w.charger] = w.a
	}
	var parts []string
	for i, c := range p.sessions {
		if i == messageMax {
			parts = append(parts, fmt.Sprintf("and %d more", len(p.sessions)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%s %.1f A", c, shareOf[c]))
	}
	msg := fmt.Sprintf("%d sessions share %s", len(p.sessions), lim)
	if math.IsInf(lim.A, 1) {
		msg = fmt.Sprintf("%d sessions, no limit in force now", len(p.sessions))
	}
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, ", ")
	}
	if p.fixedA > 0 {
		msg += fmt.Sprintf("; %.1f A taken by chargers the gateway does not manage", p.fixedA)
	}
	if len(p.paused) > 0 {
		msg += fmt.Sprintf("; paused for want of current: %s", strings.Join(p.paused, ", "))
	}
	if p.withheld {
		msg += "; raises wait until lowered chargers have taken their lower limits"
	}
	return msg
}
