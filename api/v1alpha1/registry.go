package v1alpha1

import "strings"

// KindInfo names one resource kind in every form a user may type it.
type KindInfo struct {
	Kind     string   // "Charger"
	Singular string   // "charger"
	Plural   string   // "chargers", also the REST path segment
	Short    []string // "ch"
}

// kinds is the registry of every kind this API version serves, in the order
// `gwctl get all` would print them.
var kinds = []KindInfo{
	{Kind: KindCSMS, Singular: "csms", Plural: "csmses", Short: []string{"cs"}},
	{Kind: KindBus, Singular: "bus", Plural: "buses", Short: []string{"bs"}},
	{Kind: KindSecret, Singular: "secret", Plural: "secrets", Short: []string{"sec"}},
	{Kind: KindTemplate, Singular: "template", Plural: "templates", Short: []string{"tpl", "tmpl"}},
	{Kind: KindCharger, Singular: "charger", Plural: "chargers", Short: []string{"ch"}},
	{Kind: KindChargingProfile, Singular: "chargingprofile", Plural: "chargingprofiles", Short: []string{"cp"}},
	{Kind: KindTransaction, Singular: "transaction", Plural: "transactions", Short: []string{"tx"}},
	{Kind: KindToken, Singular: "token", Plural: "tokens", Short: []string{"tok"}},
}

// Kinds returns every registered kind.
func Kinds() []KindInfo { return append([]KindInfo(nil), kinds...) }

// LookupKind finds a kind by its Kind, singular, plural or short name, ignoring case.
func LookupKind(name string) (KindInfo, bool) {
	n := strings.ToLower(name)
	for _, k := range kinds {
		if n == strings.ToLower(k.Kind) || n == k.Singular || n == k.Plural {
			return k, true
		}
		for _, s := range k.Short {
			if n == s {
				return k, true
			}
		}
	}
	return KindInfo{}, false
}
