package station

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/composite"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// The CSMS side of smart charging: SetChargingProfile (K01),
// ClearChargingProfile (K10), GetChargingProfiles (K09) and
// GetCompositeSchedule (K08). A station whose template cannot limit the
// charger has no smart charging: these CALLs get NotSupported.

func (s *Station) noSmartCharging(action string) error {
	if s.cfg.Layout.SmartCharging {
		return nil
	}
	return rpc.Errorf(rpc.NotSupported, "%s: the charger's template has neither setCurrentLimit nor setPowerLimit, so this station has no smart charging", action)
}

func profileRejected(reason, detail string) *ocpp.SetChargingProfileResponse {
	return &ocpp.SetChargingProfileResponse{Status: ocpp.ChargingProfileStatusRejected, StatusInfo: statusInfo(reason, detail)}
}

// onSetChargingProfile checks the profile, stores it durably (replacing
// the profile with the same id), answers, and then enforces the new limit.
func (s *Station) onSetChargingProfile(_ context.Context, r *ocpp.SetChargingProfileRequest) (*ocpp.SetChargingProfileResponse, func(), error) {
	if err := s.noSmartCharging(ocpp.ActionSetChargingProfile); err != nil {
		return nil, nil, err
	}
	p := composite.Profile{EVSEID: r.EVSEID, ChargingProfileType: r.ChargingProfile}
	p.CustomData = nil
	for i := range p.ChargingSchedule {
		p.ChargingSchedule[i].SalesTariff, p.ChargingSchedule[i].CustomData = nil, nil
	}
	s.pf.mu.Lock()
	defer s.pf.mu.Unlock()
	if reason, detail := s.checkProfile(p); reason != "" {
		s.log.Info("SetChargingProfile rejected", "id", p.ID, "evseId", p.EVSEID, "reason", reason, "detail", detail)
		return profileRejected(reason, detail), nil, nil
	}
	if err := s.installLocked(p); err != nil {
		return nil, nil, err
	}
	return &ocpp.SetChargingProfileResponse{Status: ocpp.ChargingProfileStatusAccepted}, func() { signal(s.ss.wake) }, nil
}

// checkProfile returns the reasonCode and detail that reject p, or "".
// The caller holds pf.mu.
func (s *Station) checkProfile(p composite.Profile) (reason, detail string) {
	switch {
	case p.ChargingProfilePurpose == ocpp.ChargingProfilePurposeChargingStationExternalConstraints:
		return "InvalidProfile", "ChargingStationExternalConstraints profiles are set by the site's energy management, not by the CSMS"
	case p.EVSEID < 0 || (p.EVSEID > 0 && !slices.Contains(s.evseIDs(), p.EVSEID)):
		return "UnknownEvse", fmt.Sprintf("the station has no EVSE %d", p.EVSEID)
	case p.ChargingProfilePurpose == ocpp.ChargingProfilePurposeTxProfile && p.EVSEID == 0:
		return "InvalidProfile", "a TxProfile is set on the EVSE of its transaction, not on evseId 0"
	}
	if reason, detail := s.checkSchedule(p); reason != "" {
		return reason, detail
	}
	if p.ChargingProfilePurpose == ocpp.ChargingProfilePurposeTxProfile {
		if id := s.openSession(p.EVSEID); id == "" || id != p.TransactionID {
			return "TxNotFound", fmt.Sprintf("transaction %q is not running on EVSE %d", p.TransactionID, p.EVSEID)
		}
	}
	csms := 0
	for _, q := range s.pf.list {
		if q.source != v1alpha1.ProfileSourceCSMS || q.ID == p.ID {
			continue
		}
		csms++
		if q.ChargingProfilePurpose == p.ChargingProfilePurpose && q.StackLevel == p.StackLevel && q.EVSEID == p.EVSEID {
			return "DuplicateProfile", fmt.Sprintf("profile %d has the same purpose, stackLevel and evseId", q.ID)
		}
	}
	if csms >= devicemodel.MaxProfiles {
		return "TooManyProfiles", fmt.Sprintf("the station holds at most %d profiles", devicemodel.MaxProfiles)
	}
	return "", ""
}

// onClearChargingProfile removes the CSMS's profiles by id, or those that
// match every criterion given (all of them when there is none). The site
// limits are not the CSMS's to clear.
func (s *Station) onClearChargingProfile(_ context.Context, r *ocpp.ClearChargingProfileRequest) (*ocpp.ClearChargingProfileResponse, func(), error) {
	if err := s.noSmartCharging(ocpp.ActionClearChargingProfile); err != nil {
		return nil, nil, err
	}
	match := func(q installed) bool {
		if r.ChargingProfileID != nil {
			return q.ID == *r.ChargingProfileID
		}
		c := r.ChargingProfileCriteria
		return c == nil || ((c.EVSEID == nil || q.EVSEID == *c.EVSEID) &&
			(c.ChargingProfilePurpose == "" || q.ChargingProfilePurpose == c.ChargingProfilePurpose) &&
			(c.StackLevel == nil || q.StackLevel == *c.StackLevel))
	}
	s.pf.mu.Lock()
	defer s.pf.mu.Unlock()
	var names []string
	for _, q := range s.pf.list {
		if q.source == v1alpha1.ProfileSourceCSMS && match(q) {
			names = append(names, q.name)
		}
	}
	if len(names) == 0 {
		return &ocpp.ClearChargingProfileResponse{Status: ocpp.ClearChargingProfileStatusUnknown}, nil, nil
	}
	if err := s.host.SaveProfiles(nil, names); err != nil {
		return nil, nil, fmt.Errorf("clear charging profiles: %w", err)
	}
	s.pf.list = slices.DeleteFunc(s.pf.list, func(q installed) bool { return slices.Contains(names, q.name) })
	s.log.Info("charging profiles cleared", "profiles", names)
	return &ocpp.ClearChargingProfileResponse{Status: ocpp.ClearChargingProfileStatusAccepted}, func() { signal(s.ss.wake) }, nil
}

// onGetChargingProfiles answers whether profiles match and then reports
// them with ReportChargingProfiles, one message per EVSE and source, the
// last with tbc false.
func (s *Station) onGetChargingProfiles(_ context.Context, r *ocpp.GetChargingProfilesRequest) (*ocpp.GetChargingProfilesResponse, func(), error) {
	if err := s.noSmartCharging(ocpp.ActionGetChargingProfiles); err != nil {
		return nil, nil, err
	}
	c := r.ChargingProfile
	var reports []*ocpp.ReportChargingProfilesRequest
	for _, q := range s.pf.snapshot() {
		src := limitSource(q.source)
		if (r.EVSEID != nil && q.EVSEID != *r.EVSEID) ||
			(c.ChargingProfilePurpose != "" && q.ChargingProfilePurpose != c.ChargingProfilePurpose) ||
			(c.StackLevel != nil && q.StackLevel != *c.StackLevel) ||
			(len(c.ChargingProfileID) > 0 && !slices.Contains(c.ChargingProfileID, q.ID)) ||
			(len(c.ChargingLimitSource) > 0 && !slices.Contains(c.ChargingLimitSource, src)) {
			continue
		}
		i := slices.IndexFunc(reports, func(m *ocpp.ReportChargingProfilesRequest) bool {
			return m.EVSEID == q.EVSEID && m.ChargingLimitSource == src
		})
		if i < 0 {
			reports = append(reports, &ocpp.ReportChargingProfilesRequest{RequestID: r.RequestID, ChargingLimitSource: src, EVSEID: q.EVSEID})
			i = len(reports) - 1
		}
		reports[i].ChargingProfile = append(reports[i].ChargingProfile, q.ChargingProfileType)
	}
	if len(reports) == 0 {
		return &ocpp.GetChargingProfilesResponse{Status: ocpp.GetChargingProfileStatusNoProfiles}, nil, nil
	}
	for _, m := range reports[:len(reports)-1] {
		m.Tbc = true
	}
	return &ocpp.GetChargingProfilesResponse{Status: ocpp.GetChargingProfileStatusAccepted}, s.later(func(ctx context.Context, conn *rpc.Conn) error {
		for _, m := range reports {
			var resp ocpp.ReportChargingProfilesResponse
			if err := call(ctx, conn, ocpp.ActionReportChargingProfiles, m, &resp); err != nil {
				return fmt.Errorf("requestId %d: %w", m.RequestID, err)
			}
		}
		return nil
	}), nil
}

// onGetCompositeSchedule answers with the composite of every installed
// profile, the site shares included, from now over the duration asked.
func (s *Station) onGetCompositeSchedule(_ context.Context, r *ocpp.GetCompositeScheduleRequest) (*ocpp.GetCompositeScheduleResponse, func(), error) {
	if err := s.noSmartCharging(ocpp.ActionGetCompositeSchedule); err != nil {
		return nil, nil, err
	}
	rejected := func(reason, detail string) *ocpp.GetCompositeScheduleResponse {
		return &ocpp.GetCompositeScheduleResponse{Status: ocpp.GenericStatusRejected, StatusInfo: statusInfo(reason, detail)}
	}
	switch {
	case r.EVSEID < 0 || (r.EVSEID > 0 && !slices.Contains(s.evseIDs(), r.EVSEID)):
		return rejected("UnknownEvse", fmt.Sprintf("the station has no EVSE %d", r.EVSEID)), nil, nil
	case r.Duration <= 0:
		return rejected("InvalidValue", fmt.Sprintf("duration %d is not positive", r.Duration)), nil, nil
	}
	unit := r.ChargingRateUnit
	if unit == "" {
		unit = ocpp.ChargingRateUnitA
	}
	start := s.now().Truncate(time.Second)
	req := s.compositeRequest(r.EVSEID, start, r.Duration, unit)
	profiles := profilesOf(s.pf.snapshot())
	var sched ocpp.CompositeScheduleType
	var err error
	if r.EVSEID == 0 {
		var evses []composite.Request
		for _, id := range s.evseIDs() {
			evses = append(evses, s.compositeRequest(id, start, r.Duration, unit))
		}
		req.MaxCurrentA *= float64(len(evses))
		sched, err = composite.ForStation(profiles, req, evses)
	} else {
		sched, err = composite.Compose(profiles, req)
	}
	if err != nil {
		return rejected("InvalidValue", err.Error()), nil, nil
	}
	return &ocpp.GetCompositeScheduleResponse{Status: ocpp.GenericStatusAccepted, Schedule: &sched}, nil, nil
}

func profilesOf(list []installed) []composite.Profile {
	out := make([]composite.Profile, len(list))
	for i, q := range list {
		out[i] = q.Profile
	}
	return out
}

// checkStartProfile checks the chargingProfile of a RequestStartTransaction
// (F01.FR.08, K05): a TxProfile that becomes the session's once it starts.
// Without smart charging the profile is ignored (TC_K_38).
func (s *Station) checkStartProfile(evse int, p *ocpp.ChargingProfileType) (reason, detail string) {
	if p == nil || !s.cfg.Layout.SmartCharging {
		return "", ""
	}
	if p.ChargingProfilePurpose != ocpp.ChargingProfilePurposeTxProfile {
		return "InvalidProfile", fmt.Sprintf("the chargingProfile of a remote start must be a TxProfile, not %s", p.ChargingProfilePurpose)
	}
	q := composite.Profile{EVSEID: evse, ChargingProfileType: *p}
	q.TransactionID = "remote-start" // Validate wants one; the session's id replaces it
	return s.checkSchedule(q)
}

// checkSchedule checks what every profile the CSMS sends must meet: the
// stack levels and periods the station declares, and the profile's own
// rules (composite.Validate).
func (s *Station) checkSchedule(p composite.Profile) (reason, detail string) {
	if p.StackLevel > devicemodel.ProfileStackLevel {
		return "InvalidStackLevel", fmt.Sprintf("stackLevel %d is above ProfileStackLevel %d", p.StackLevel, devicemodel.ProfileStackLevel)
	}
	if err := composite.Validate(p, composite.Limits{Now: s.now(), PeriodsPerSchedule: devicemodel.PeriodsPerSchedule}); err != nil {
		return "InvalidSchedule", err.Error()
	}
	return "", ""
}
