package composite

import (
	"reflect"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

func TestSpecRoundTrip(t *testing.T) {
	start := ocpp.NewDateTime(time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC))
	to := ocpp.NewDateTime(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC))
	dur, phases, minRate := 3600, 1, 6.0
	in := Profile{EVSEID: 2, ChargingProfileType: ocpp.ChargingProfileType{ID: 7, StackLevel: 3,
		ChargingProfilePurpose: ocpp.ChargingProfilePurposeTxDefaultProfile, ChargingProfileKind: ocpp.ChargingProfileKindRecurring,
		RecurrencyKind: ocpp.RecurrencyKindDaily, ValidTo: &to,
		ChargingSchedule: []ocpp.ChargingScheduleType{{ID: 1, StartSchedule: &start, Duration: &dur, ChargingRateUnit: ocpp.ChargingRateUnitW,
			MinChargingRate:        &minRate,
			ChargingSchedulePeriod: []ocpp.ChargingSchedulePeriodType{{Limit: 11000}, {StartPeriod: 1800, Limit: 3680, NumberPhases: &phases}}}}}}
	spec, err := ToSpec(in, "wb-1")
	if err != nil {
		t.Fatal(err)
	}
	if spec.ChargerRef != "wb-1" || spec.Source != v1alpha1.ProfileSourceCSMS || spec.EVSEID != 2 || spec.RecurrencyKind != "Daily" {
		t.Fatalf("spec = %+v", spec)
	}
	if errs := spec.Validate(nil); len(errs) > 0 {
		t.Fatalf("the stored form does not validate: %v", errs)
	}
	out, err := FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip\n got %+v\nwant %+v", out, in)
	}
}

func TestFromSpecConstantLimit(t *testing.T) {
	spec := v1alpha1.ChargingProfileSpec{ChargerRef: "wb-1", Source: v1alpha1.ProfileSourceSite, SiteRef: "north", ID: 9,
		ChargingProfilePurpose: "ChargingStationExternalConstraints", Limit: &v1alpha1.ConstantLimit{Value: 16, Unit: "A"},
		ValidTo: "2030-01-01T00:00:00Z"}
	p, err := FromSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	got, err := Compose([]Profile{p}, Request{EVSEID: 0, Start: now, Duration: 60, Unit: ocpp.ChargingRateUnitA, MaxCurrentA: 32})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ChargingSchedulePeriod) != 1 || got.ChargingSchedulePeriod[0].Limit != 16 {
		t.Errorf("composite of a constant 16 A = %+v", got.ChargingSchedulePeriod)
	}
	if p.ValidTo == nil || !p.ValidTo.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("validTo = %v", p.ValidTo)
	}
}
