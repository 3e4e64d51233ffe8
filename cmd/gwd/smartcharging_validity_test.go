package main

// Profiles in W, and profiles whose validity starts and ends while a
// session charges.

import (
	"testing"
	"time"
)

// scWatts (K01, chargingRateUnit W): a station-wide TxDefaultProfile of
// 9660 W is 14 A at the KEBA's 230 V on 3 phases (numberPhases absent
// means 3), and a ChargingStationMaxProfile of 4140 W (6 A) caps it;
// the composite in A says the same.
func scWatts(t *testing.T, f *flowEnv) {
	ago := time.Now().Add(-time.Minute)
	watts := func(p scProfile) scProfile {
		p["chargingSchedule"].([]map[string]any)[0]["chargingRateUnit"] = "W"
		return p
	}
	f.setAccepted(t, 0, watts(newProfile(1201, 0, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 9660})))
	f.flowCharging(t, "SC-WATTS", 12)
	tx := f.transactionID(t)
	f.waitLimit(t, 14)
	f.compositeFlat(t, 14)
	f.setAccepted(t, 0, watts(newProfile(1202, 0, "ChargingStationMaxProfile", "Absolute", ago, scPeriod{0, 4140})))
	f.waitLimit(t, 6)
	f.compositeFlat(t, 6)
	f.unplugAndEnd(t)
	f.oneTransaction(t, tx)
}

// scValidity (K01 validFrom and validTo, TC_K_21 and TC_K_22): under a
// TxDefaultProfile of 16 A, one of a higher stackLevel at 10 A is valid
// from 15 s after it is set until 30 s after: the charger goes from 16 A
// to 10 A and back to 16 A, in that order.
func scValidity(t *testing.T, f *flowEnv) {
	ago := time.Now().Add(-time.Minute)
	f.setAccepted(t, 0, newProfile(1301, 0, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 16}))
	f.flowCharging(t, "SC-VALIDITY", 13)
	tx := f.transactionID(t)
	f.waitLimit(t, 16)
	now := time.Now()
	f.setAccepted(t, 0, newProfile(1302, 1, "TxDefaultProfile", "Absolute", ago, scPeriod{0, 10}).
		with("validFrom", scTime(now.Add(15*time.Second))).with("validTo", scTime(now.Add(30*time.Second))))
	f.waitLimit(t, 10)
	f.waitLimit(t, 16)
	f.unplugAndEnd(t)
	f.oneTransaction(t, tx)
}
