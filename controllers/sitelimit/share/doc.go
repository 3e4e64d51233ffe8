// Package share divides a site's current limit among the charging sessions
// of the chargers that share it. It is pure: the limit, the chargers'
// electrical facts, their sessions and measured draw go in, one share in A
// per charger comes out. The site-limit controller (package sitelimit) feeds
// it from the store.
//
// The rules of Compute:
//
//   - All currents are per phase. The limit left for the managed chargers is
//     the site limit minus the fixed load (what unmanaged loads draw).
//   - A charger without a session that wants current gets 0.
//   - No session gets less than its charger's minimum (minCurrentA). When
//     the limit cannot give every session its minimum, sessions are served
//     first come, first served: in the order they started (ties by charger
//     name); a session whose minimum does not fit gets 0 (paused) and later
//     ones may still fit. A session that charges is therefore never paused
//     to let a later one in, and a paused one resumes as soon as an earlier
//     one ends or the limit rises. A charger whose maximum is below its
//     minimum can never be given a valid current and gets 0.
//   - What is left above the minimums is shared equally (water-filling):
//     every served session rises together until it reaches its cap, and
//     what capped sessions cannot take goes to the others. The cap is the
//     charger's maximum, or, for an EV that has drawn clearly less than it
//     was allowed for a while (Underusing, Charger.Settled), its draw plus
//     Headroom rounded up to whole amps, so that it can ramp up and be seen
//     ramping up. Once its draw comes within UnderuseA of its allowance the
//     cap is lifted at the next computation.
//   - Shares are multiples of 0.1 A, rounded down; what the rounding leaves
//     goes 0.1 A at a time to the sessions in service order. The sum of
//     the shares never exceeds the limit left for the managed chargers.
//
// Commit then applies break-before-make to what Compute wants: a charger is
// committed to the higher of its new share, its previous share (the station
// may be writing it right now) and the limit its device last took (its
// maximum while that is unknown), and raises are withheld, in service order,
// until the sum of what is committed fits within the limit. Decreases are
// always let through.
package share
