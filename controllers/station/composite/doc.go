// Package composite computes OCPP 2.0.1 composite schedules (functional
// block K, K08 GetCompositeSchedule) from charging profiles, and checks a
// profile before it is stored (Validate). It does no I/O: profiles, the
// window, the session and the electrical facts go in; a schedule comes out.
// The station answers GetCompositeSchedule and enforces limits with it.
// FromSpec and ToSpec convert between Profile and the ChargingProfile
// resource.
//
// The contract of Compose:
//
//   - Instants are UTC (the station clock is UTC); a Recurring schedule
//     repeats at the same local time of Request.Location (default UTC),
//     so across a daylight-saving change one day is 23 or 25 hours. The result covers
//     [Start, Start+Duration) with periods whose startPeriod is whole seconds
//     from Start, the first at 0, strictly increasing, and no two adjacent
//     periods equal in limit and numberPhases. A profile instant with a
//     fraction of a second takes effect at the next whole second.
//   - Only a profile's first chargingSchedule is used; the others exist for
//     ISO 15118 schedule offers, which this gateway does not make.
//   - A profile applies from validFrom (inclusive) to validTo (exclusive).
//     Absolute schedules start at startSchedule; Relative ones at the
//     session start, or without a session at the request's start (as a
//     session starting now would); Recurring ones at
//     startSchedule and again every day or week after it (not before it).
//     A schedule gives no limit after its duration; a Recurring schedule
//     without duration, or longer than its recurrence, lasts until the next
//     recurrence. A schedule without startSchedule where one is needed
//     gives no limit (Validate rejects it).
//   - Within a purpose the active profile with the highest stackLevel wins.
//     For TxDefaultProfile an active profile set on the EVSE wins over one
//     set on the station (evseId 0) whatever their stack levels. An active
//     TxProfile of the session's transaction replaces TxDefaultProfile.
//     ChargingStationMaxProfile and ChargingStationExternalConstraints cap
//     the rest: the composite is the minimum over the purposes. External
//     constraints come from independent sources (each site limit a charger
//     is under), so all of them hold whatever their stack levels.
//   - For the station (evseId 0) only profiles set on the station with
//     purpose ChargingStationMaxProfile or ChargingStationExternalConstraints
//     count, since TxDefaultProfile and TxProfile limit one EVSE each.
//     ForStation gives what the whole station may draw: the sum of its
//     EVSEs' composites, capped by that.
//   - Where no profile limits, the composite says so explicitly with the
//     charger's own maximum (Request.MaxCurrentA, converted to the unit
//     asked for), never with a gap: a consumer such as the enforcement loop
//     can then write the limit without special cases.
//   - W and A convert with W = A × voltage × phases, the phases of the
//     period (numberPhases) or else the default. minChargingRate is not a
//     cap and is ignored.
package composite
