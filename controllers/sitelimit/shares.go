package sitelimit

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"reflect"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// purposeExternal is the purpose of every site profile.
const purposeExternal = "ChargingStationExternalConstraints"

// ShareName is the name of charger's share of site: "<site>--<charger>",
// which no two pairs share as long as neither name contains "--". When one
// does, or the result would exceed the 63 characters of a name, it is the
// start of that cut to 52 characters and 10 hex digits of a hash of both
// (v1alpha1.DerivedName).
func ShareName(site, charger string) string {
	ambiguous := strings.Contains(site, "--") || strings.Contains(charger, "--")
	return v1alpha1.DerivedName(site+"--"+charger, "", site+"\x00"+charger, ambiguous)
}

// ShareID is the OCPP chargingProfileId of a share: a positive number
// derived from its name, the same across restarts.
func ShareID(name string) int {
	h := fnv.New32a()
	h.Write([]byte(name))
	id := int(h.Sum32() & 0x7fffffff)
	return max(id, 1)
}

// shareSpec is the spec of charger's share of site.
func shareSpec(site, charger string, a float64) v1alpha1.ChargingProfileSpec {
	return v1alpha1.ChargingProfileSpec{
		ChargerRef: charger, Source: v1alpha1.ProfileSourceSite, SiteRef: site, EVSEID: 0,
		ID: ShareID(ShareName(site, charger)), StackLevel: 0, ChargingProfilePurpose: purposeExternal,
		Limit: &v1alpha1.ConstantLimit{Value: a, Unit: "A"},
	}
}

func shareLabels(site, charger string) map[string]string {
	return map[string]string{
		v1alpha1.ChargerLabel:       charger,
		v1alpha1.ProfileSourceLabel: v1alpha1.ProfileSourceSite,
		v1alpha1.SiteLimitLabel:     site,
	}
}

// stored is a share as the cache or a store transaction holds it. Its
// labels and spec are read-only.
type stored struct {
	found  bool
	labels map[string]string
	spec   v1alpha1.ChargingProfileSpec
}

// sharesOf returns site's shares among profiles (read in a store
// transaction), by name.
func sharesOf(profiles []*v1alpha1.Object, site string) map[string]stored {
	out := map[string]stored{}
	for _, obj := range profiles {
		if obj.Metadata.Labels[v1alpha1.SiteLimitLabel] != site {
			continue
		}
		s := stored{found: true, labels: obj.Metadata.Labels}
		_ = json.Unmarshal(obj.Spec, &s.spec) // an unreadable share is replaced
		out[obj.Metadata.Name] = s
	}
	return out
}

// previousA is the share stored for a charger, if any.
func (s stored) previousA() (float64, bool) {
	if !s.found || s.spec.Limit == nil || s.spec.Limit.Unit != "A" {
		return 0, false
	}
	return s.spec.Limit.Value, true
}

// applyShares stores want (share name -> charger and A) and deletes site's
// other shares, within tx, writing only what differs from have (site's
// shares as tx reads them). It returns how many objects it wrote.
func applyShares(tx *store.Tx, site string, have map[string]stored, want map[string]shareWant) (int, error) {
	writes := 0
	for _, name := range sortedKeys(want) {
		n, err := putShare(tx, site, name, want[name], have[name])
		if err != nil {
			return 0, err
		}
		writes += n
	}
	for _, name := range sortedKeys(have) {
		if _, keep := want[name]; keep {
			continue
		}
		if _, err := tx.Delete(Kind, name, ""); err != nil {
			return 0, fmt.Errorf("delete share %s: %w", name, err)
		}
		writes++
	}
	return writes, nil
}

// shareWant is one share to store.
type shareWant struct {
	charger string
	a       float64
}

// putShare creates or updates one share unless it is as wanted already.
func putShare(tx *store.Tx, site, name string, w shareWant, cur stored) (int, error) {
	if upToDate(cur, site, w) {
		return 0, nil
	}
	spec := shareSpec(site, w.charger, w.a)
	labels := shareLabels(site, w.charger)
	raw, err := json.Marshal(spec)
	if err != nil {
		return 0, fmt.Errorf("encode share %s: %w", name, err)
	}
	obj := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: Kind,
		Metadata: v1alpha1.ObjectMeta{Name: name, Labels: labels}, Spec: raw}
	if !cur.found {
		_, err = tx.Create(obj)
	} else {
		_, err = tx.Update(obj)
	}
	if err != nil {
		return 0, fmt.Errorf("store share %s: %w", name, err)
	}
	return 1, nil
}

// upToDate says whether cur is the share w already.
func upToDate(cur stored, site string, w shareWant) bool {
	return cur.found && specEqual(cur.spec, shareSpec(site, w.charger, w.a)) &&
		maps.Equal(cur.labels, shareLabels(site, w.charger))
}

// specEqual compares two share specs, the limit to 0.1 A.
func specEqual(a, b v1alpha1.ChargingProfileSpec) bool {
	la, lb := a.Limit, b.Limit
	if la == nil || lb == nil || la.Unit != lb.Unit || math.Abs(la.Value-lb.Value) >= 0.05 {
		return false
	}
	a.Limit, b.Limit = nil, nil
	return reflect.DeepEqual(a, b)
}
