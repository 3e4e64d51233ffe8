package station

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/composite"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// Charging profiles (functional block K). The CSMS's profiles are stored
// as ChargingProfile resources owned by the station (source csms); the
// charger's shares of the operator's site limits arrive as resources too
// (source site) and count as ChargingStationExternalConstraints. Both are
// read back from the store whenever a ChargingProfile of the charger
// changes, so the store is the one truth and a restart loses nothing.

const profileKind = v1alpha1.KindChargingProfile

// installed is one profile the station holds.
type installed struct {
	name   string
	source string // v1alpha1.ProfileSourceCSMS or ProfileSourceSite
	composite.Profile
}

// profiles is the station's installed profiles. Lock order: profiles.mu
// before Station.mu and sessions.mu (a SetChargingProfile checks the
// transaction under it); nothing holds profiles.mu while calling the CSMS
// or the device.
type profiles struct {
	mu   sync.Mutex
	list []installed // by source, then id
}

// snapshot returns the installed profiles of the given sources (all when
// none is given).
func (p *profiles) snapshot(sources ...string) []installed {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []installed
	for _, q := range p.list {
		if len(sources) == 0 || slices.Contains(sources, q.source) {
			out = append(out, q)
		}
	}
	return out
}

// reloadProfiles reads the charger's profiles from the store. A profile
// that does not convert is left out with a warning: it can only be one an
// operator wrote by hand, since the station checks what the CSMS sets.
func (s *Station) reloadProfiles() {
	// Under pf.mu: a SetChargingProfile stores and installs under it too,
	// so a read of the store from before its write cannot replace the list
	// after it.
	s.pf.mu.Lock()
	defer s.pf.mu.Unlock()
	objs, err := s.host.Profiles()
	if err != nil {
		s.log.Warn("charging profiles not read", "err", err)
		return
	}
	var list []installed
	for _, o := range objs {
		p, err := composite.FromSpec(o.Spec)
		if err != nil {
			s.log.Warn("charging profile left out", "profile", o.Metadata.Name, "err", err)
			continue
		}
		if o.Spec.Source != v1alpha1.ProfileSourceCSMS && o.Spec.Source != v1alpha1.ProfileSourceSite {
			continue // an operator's limit naming this charger: its share comes as a site profile
		}
		list = append(list, installed{name: o.Metadata.Name, source: o.Spec.Source, Profile: p})
	}
	slices.SortFunc(list, func(a, b installed) int { return cmp.Or(cmp.Compare(a.source, b.source), cmp.Compare(a.ID, b.ID)) })
	s.pf.list = list
}

// ProfilesChanged tells the station that a ChargingProfile naming its
// charger changed: it reads them again and enforces the new limit.
func (s *Station) ProfilesChanged() {
	s.reloadProfiles()
	s.ss.wake.kick()
}

// profileName is the resource name of the CSMS's profile id on charger.
func profileName(charger string, id int) string {
	suffix := fmt.Sprintf("-csms-%d", id)
	if id < 0 {
		suffix = fmt.Sprintf("-csms-m%d", -id)
	}
	return v1alpha1.DerivedName(charger, suffix, charger, false)
}

// profileResource is the stored form of a profile the CSMS set.
func (s *Station) profileResource(p composite.Profile) (*v1alpha1.ChargingProfile, error) {
	spec, err := composite.ToSpec(p, s.cfg.Charger)
	if err != nil {
		return nil, err
	}
	return &v1alpha1.ChargingProfile{APIVersion: v1alpha1.APIVersion, Kind: profileKind,
		Metadata: v1alpha1.ObjectMeta{Name: profileName(s.cfg.Charger, p.ID), Labels: map[string]string{
			v1alpha1.ChargerLabel: s.cfg.Charger, v1alpha1.ProfileSourceLabel: v1alpha1.ProfileSourceCSMS}},
		Spec: spec}, nil
}

// limitSource is how a profile's origin is reported to the CSMS: the
// CSMS's own are CSO, the site limits come from the gateway's energy
// management (EMS).
func limitSource(source string) ocpp.ChargingLimitSourceEnumType {
	if source == v1alpha1.ProfileSourceSite {
		return ocpp.ChargingLimitSourceEMS
	}
	return ocpp.ChargingLimitSourceCSO
}

// installLocked stores p as the CSMS's profile (replacing the one with its
// id) and installs it. The caller holds pf.mu.
func (s *Station) installLocked(p composite.Profile) error {
	obj, err := s.profileResource(p)
	if err == nil {
		err = s.host.SaveProfiles([]*v1alpha1.ChargingProfile{obj}, nil)
	}
	if err != nil {
		return fmt.Errorf("store charging profile %d: %w", p.ID, err)
	}
	s.pf.list = slices.DeleteFunc(s.pf.list, func(q installed) bool { return q.name == obj.Metadata.Name })
	s.pf.list = append(s.pf.list, installed{name: obj.Metadata.Name, source: v1alpha1.ProfileSourceCSMS, Profile: p})
	s.log.Info("charging profile set", "id", p.ID, "evseId", p.EVSEID, "purpose", p.ChargingProfilePurpose, "stackLevel", p.StackLevel)
	return nil
}

// txProfile is the chargingProfile of a remote start whose session began.
type txProfile struct {
	evse int
	txID string
	raw  []byte
}

// settleTxProfiles installs the profiles of remote starts as the TxProfiles
// of the sessions they started (K05), and removes the TxProfiles of
// sessions that ended: a TxProfile lives as long as its transaction.
func (s *Station) settleTxProfiles(adopt []txProfile, ended []string) {
	if !s.cfg.Layout.SmartCharging || (len(adopt) == 0 && len(ended) == 0) {
		return
	}
	s.pf.mu.Lock()
	defer s.pf.mu.Unlock()
	for _, a := range adopt {
		p := composite.Profile{EVSEID: a.evse}
		if err := json.Unmarshal(a.raw, &p.ChargingProfileType); err != nil {
			s.log.Warn("the remote start's charging profile is not installed", "transactionId", a.txID, "err", err)
			continue
		}
		p.TransactionID = a.txID
		if reason, detail := s.checkProfile(p); reason != "" {
			s.log.Warn("the remote start's charging profile is not installed", "transactionId", a.txID, "reason", reason, "detail", detail)
			continue
		}
		if err := s.installLocked(p); err != nil {
			s.log.Warn("the remote start's charging profile is not installed", "transactionId", a.txID, "err", err)
		}
	}
	var names []string
	for _, q := range s.pf.list {
		if q.source == v1alpha1.ProfileSourceCSMS && q.ChargingProfilePurpose == ocpp.ChargingProfilePurposeTxProfile &&
			slices.Contains(ended, q.TransactionID) {
			names = append(names, q.name)
		}
	}
	if len(names) == 0 {
		return
	}
	if err := s.host.SaveProfiles(nil, names); err != nil {
		s.log.Warn("the TxProfiles of an ended session are not removed", "profiles", names, "err", err)
		return
	}
	s.pf.list = slices.DeleteFunc(s.pf.list, func(q installed) bool { return slices.Contains(names, q.name) })
}
