package auth

import (
	"slices"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// expected is the policy as issue 12 words it, written apart from the
// rules table: viewer reads and watches everything; operator also applies
// and deletes Chargers, Templates, Buses and ChargingProfiles and runs
// device commands; admin may do everything.
func expected(role string, verb Verb, resource string) bool {
	read := verb == Get || verb == List || verb == Watch
	kind, sub, _ := strings.Cut(resource, "/")
	_, isKind := v1alpha1.LookupKind(kind)
	plainRead := read && sub == "" && (isKind || resource == "version" || resource == "discovery" || resource == "metrics" || resource == "loglevels")
	switch role {
	case v1alpha1.RoleAdmin:
		return true
	case v1alpha1.RoleViewer:
		return plainRead
	case v1alpha1.RoleOperator:
		device := map[string]Verb{"Charger/command": Create, "Charger/mappingtest": Get, "mappingtest": Create, "discover": Create}
		if v, ok := device[resource]; ok {
			return verb == v
		}
		write := verb == Create || verb == Update || verb == Delete
		ops := kind == "Charger" || kind == "Template" || kind == "Bus" || kind == "ChargingProfile"
		return plainRead || (write && sub == "" && ops)
	}
	return false
}

func TestEveryRoleVerbResource(t *testing.T) {
	n := 0
	for _, role := range append(Roles(), "", "root") {
		for _, verb := range Verbs() {
			for _, res := range Resources() {
				n++
				if got, want := Allowed(role, verb, res), expected(role, verb, res); got != want {
					t.Errorf("Allowed(%q, %s, %s) = %v, want %v", role, verb, res, got, want)
				}
			}
		}
	}
	// 8 kinds with their status, 9 other resources, 6 verbs, 5 roles.
	if want := (len(v1alpha1.Kinds())*2 + 9) * 6 * 5; n != want || len(v1alpha1.Kinds()) != 8 {
		t.Errorf("enumerated %d cases over %d kinds, want %d over 8", n, len(v1alpha1.Kinds()), want)
	}
}

// The cases the issue names outright, spelled out so that a change to the
// table or to expected alone cannot hide them.
func TestIssueCases(t *testing.T) {
	for _, c := range []struct {
		role string
		verb Verb
		res  string
		want bool
	}{
		{"operator", Create, "CSMS", false},
		{"operator", Update, "CSMS", false},
		{"operator", Update, "Secret", false},
		{"operator", Create, "Token", false},
		{"operator", Delete, "Token", false},
		{"operator", Update, "Charger/status", false},
		{"operator", Create, "Charger", true},
		{"operator", Delete, "ChargingProfile", true},
		{"operator", Create, "Charger/command", true},
		{"viewer", Watch, "Secret", true},
		{"viewer", Create, "Charger/command", false},
		{"viewer", Delete, "Bus", false},
		{"viewer", Get, "discovery", true},
		{"viewer", Get, "metrics", true},
		{"operator", Get, "backup", false},
		{"admin", Get, "backup", true},
		{"operator", Update, "loglevels", false},
		{"viewer", Get, "loglevels", true},
		{"admin", Update, "CSMS", true},
		{"admin", Create, "Token", true},
		{"admin", Update, "Transaction/status", true},
	} {
		if got := Allowed(c.role, c.verb, c.res); got != c.want {
			t.Errorf("Allowed(%s, %s, %s) = %v, want %v", c.role, c.verb, c.res, got, c.want)
		}
	}
	if !slices.Equal(Roles(), []string{"viewer", "operator", "admin"}) {
		t.Errorf("roles %v", Roles())
	}
}
