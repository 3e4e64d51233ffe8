package station

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// Network profiles (B09/B10). Slot 0 is the CSMS resource the operator
// declared; the CSMS may set slots 1 and 2 with SetNetworkProfile and order
// the slots with OCPPCommCtrlr.NetworkConfigurationPriority. The order takes
// effect at the next connection (TC_A_19: SetNetworkProfile, priority,
// Reset). A slot that fails NetworkProfileConnectionAttempts times in a row
// gives way to the next; a slot below the profile in use is never tried, so
// a fallback cannot downgrade security.

var (
	commCtrlr   = devicemodel.Component{Name: "OCPPCommCtrlr"}
	priorityVar = devicemodel.Variable{Name: "NetworkConfigurationPriority"}
	profileVar  = devicemodel.Variable{Name: "SecurityProfile"}
	secCtrlr    = devicemodel.Component{Name: "SecurityCtrlr"}
)

func (s *Station) onSetNetworkProfile(_ context.Context, r *ocpp.SetNetworkProfileRequest) (*ocpp.SetNetworkProfileResponse, func(), error) {
	reject := func(reason, detail string) (*ocpp.SetNetworkProfileResponse, func(), error) {
		return &ocpp.SetNetworkProfileResponse{Status: ocpp.SetNetworkProfileStatusRejected, StatusInfo: statusInfo(reason, detail)}, nil, nil
	}
	cd := r.ConnectionData
	current := s.model.Int(secCtrlr, profileVar, s.cfg.SecurityProfile)
	switch {
	case r.ConfigurationSlot < 1 || r.ConfigurationSlot > 2:
		return reject("InvalidSlot", "slots 1 and 2 can be set; slot 0 is the operator's configuration")
	case cd.OCPPVersion != ocpp.OCPPVersionOCPP20 || cd.OCPPTransport != ocpp.OCPPTransportJSON:
		return reject("UnsupportedProfile", "only OCPP20 over JSON is supported")
	case cd.SecurityProfile < current:
		return reject("NoDowngrade", fmt.Sprintf("security profile %d is below the %d in use", cd.SecurityProfile, current))
	case cd.SecurityProfile >= 2 && len(s.cfg.RootCAs) == 0:
		// TC_A_20: without a CSMS root certificate a TLS profile cannot work.
		return reject("NoCSMSRoot", "no CSMS root certificate is configured for TLS")
	case cd.SecurityProfile == 3 && len(s.cfg.ClientCert) == 0:
		return reject("NoCertificate", "security profile 3 needs a station certificate")
	}
	if problem := urlProblem(cd.OCPPCSMSURL, cd.SecurityProfile); problem != "" {
		return reject("InvalidURL", problem)
	}
	s.mu.Lock()
	np := v1alpha1.NetworkProfile{Slot: r.ConfigurationSlot, URL: cd.OCPPCSMSURL, SecurityProfile: cd.SecurityProfile, MessageTimeout: cd.MessageTimeout}
	s.persisted.NetworkProfiles = slices.DeleteFunc(s.persisted.NetworkProfiles, func(p v1alpha1.NetworkProfile) bool { return p.Slot == np.Slot })
	s.persisted.NetworkProfiles = append(s.persisted.NetworkProfiles, np)
	slices.SortFunc(s.persisted.NetworkProfiles, func(a, b v1alpha1.NetworkProfile) int { return a.Slot - b.Slot })
	s.mu.Unlock()
	if err := s.persist(); err != nil {
		return nil, nil, err
	}
	return &ocpp.SetNetworkProfileResponse{Status: ocpp.SetNetworkProfileStatusAccepted}, nil, nil
}

func urlProblem(raw string, profile int) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil || u.Host == "":
		return fmt.Sprintf("%q is not a ws:// or wss:// URL", raw)
	case profile >= 2 && u.Scheme != "wss":
		return fmt.Sprintf("security profile %d needs wss://, got %q", profile, raw)
	case u.Scheme != "ws" && u.Scheme != "wss":
		return fmt.Sprintf("%q is not a ws:// or wss:// URL", raw)
	}
	return ""
}

// endpoint is where one connection attempt goes.
type endpoint struct {
	slot    int
	url     string
	profile int
}

// endpoints lists the slots in priority order, leaving out unknown slots and
// those below the security profile in use.
func (s *Station) endpoints() []endpoint {
	s.mu.Lock()
	profiles := slices.Clone(s.persisted.NetworkProfiles)
	s.mu.Unlock()
	current := s.model.Int(secCtrlr, profileVar, s.cfg.SecurityProfile)
	var out []endpoint
	for _, f := range strings.Split(s.model.Value(commCtrlr, priorityVar), ",") {
		slot, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			continue
		}
		e := endpoint{slot: 0, url: s.cfg.URL, profile: s.cfg.SecurityProfile}
		if slot != 0 {
			i := slices.IndexFunc(profiles, func(p v1alpha1.NetworkProfile) bool { return p.Slot == slot })
			if i < 0 {
				continue
			}
			e = endpoint{slot: slot, url: profiles[i].URL, profile: profiles[i].SecurityProfile}
		}
		if e.profile >= current {
			out = append(out, e)
		}
	}
	return out
}
