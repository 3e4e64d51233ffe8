// Package sitelimit is the controller that shares site load limits. A site
// limit is a ChargingProfile with spec.source operator: a constant limit
// (A per phase, or W) or a chargingSchedule, over the chargers it selects
// (chargerRef, chargers.names, chargers.selector). For each one the
// controller stores one ChargingProfile per selected charger with spec.ocpp,
// with spec.source site: that charger's share, a constant limit in A on
// evseId 0 with purpose ChargingStationExternalConstraints, named by
// ShareName and labelled with the charger (ChargerLabel), the source
// (ProfileSourceLabel=site) and the site (SiteLimitLabel). The station
// enforces the share on the device; the controller never talks to devices.
//
// What goes in, re-read on every change of a ChargingProfile, a Charger or
// a Transaction:
//
//   - The limit now. A schedule is evaluated with the composite calculator
//     (controllers/station/composite) and the site is looked at again at its
//     next change. A W limit becomes A per phase with the highest voltage
//     and the most phases among the selected chargers (see share.PerPhaseA):
//     with mixed 1- and 3-phase chargers that is conservative, the power
//     stays within the limit whatever phases the load is on.
//   - Fixed load: selected chargers without spec.ocpp are not managed. What
//     they draw is counted as load already there; their maximum while
//     their draw is unknown (no data, stale data).
//   - Sessions: a charger has a session that wants current while one of
//     its Transactions has not ended and is authorized; a session held for
//     authorization wants none. Chargers without one get a share of 0 A.
//   - Draw: the highest phase current over the charger's connectors (or
//     powerW / (V × phases)). An EV that draws more than share.UnderuseA
//     below its share for Options.Settle gives the rest to the others.
//
// The shares are computed by package share (first come first served when
// the limit cannot give every session its minimum, water-filling above it)
// and written in one store transaction, only those that changed by 0.1 A
// or more; shares of chargers no longer selected, or of a site limit that
// is gone, are deleted. The site limit's status gets a Ready condition that
// says who shares what.
//
// Break-before-make. The station writes each share to its device at its own
// pace and reports what the device took in the Charger's
// status.ocpp.limits[].writtenA. Until a charger has taken a lower share it
// may still draw the higher one, so each charger counts as committed to the
// highest of its new share, its share before (which the station may be
// writing right now) and its writtenA, or its maxCurrentA while writtenA is
// absent since nothing is known of what it may draw. Raises are cut back so
// that the sum of what is committed stays within the limit; decreases always
// go through. A Charger's status change re-runs the controller, so withheld
// raises follow as soon as the decreases are written. The condition's reason
// is Lowering while raises wait. A charger that is unreachable and never
// confirms keeps the capacity it may draw for as long: that is the safe
// side, and its share is still lowered so that it takes it when it comes
// back. Counted at its maximum, an unconfirmed charger may still be at 0
// (held, or a status from before a restart): above the shares already
// reserved for it (its previous one, one in flight) it is raised only as
// far as the others' committed currents leave room, as if from 0.
//
// Restarts. The shares are stored (bbolt), so after a gwd restart the
// stations enforce them before any CSMS connects and before this controller
// has run. Under-use timers are in memory only and start again.
//
// Several site limits may select the same charger (a feeder inside a grid
// connection); each shares its own limit independently and stores its own
// share. The station holds every ChargingStationExternalConstraints
// profile at once, so the charger gets the lowest of its shares. A
// share that is lowered by another limit is not given back to the others
// of its site until the charger's draw shows it unused.
//
// A share is one limit per charger on evseId 0; the station splits a
// station-wide limit equally among the charger's EVSEs. For the sum the
// controller counts what every EVSE of a charger took (writtenA) together.
package sitelimit
