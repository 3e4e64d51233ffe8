package auth

import (
	"slices"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Verb is what a request does, named as in Kubernetes RBAC.
type Verb string

// The verbs. An apply is a create and an update of each document, and a
// delete of each object it prunes.
const (
	Get    Verb = "get"
	List   Verb = "list"
	Watch  Verb = "watch"
	Create Verb = "create"
	Update Verb = "update"
	Delete Verb = "delete"
)

// Verbs lists every verb.
func Verbs() []Verb { return []Verb{Get, List, Watch, Create, Update, Delete} }

// Resources that are not a kind: a subresource is "Kind/sub".
const (
	// ResourceVersion is GET /version; ResourceDiscovery the API group's
	// list of kinds. Every valid token may read both.
	ResourceVersion   = "version"
	ResourceDiscovery = "discovery"
	// ResourceMetrics is GET /metrics, which every role may scrape.
	ResourceMetrics = "metrics"
	// ResourceBackup is a snapshot of the whole store: every Secret
	// (sealed) and Token hash in it. Admins only.
	ResourceBackup = "backup"
	// ResourceLogLevels are gwd's log levels: every role reads them, an
	// admin changes them (a trace shows OCPP frames).
	ResourceLogLevels = "loglevels"
	// ResourceAudit is the audit log: who changed what. Admins only.
	ResourceAudit = "audit"
	// ResourceCommand runs a device command on a charger; ResourceMapping
	// reads a charger's device through its mapping.
	ResourceCommand = "Charger/command"
	ResourceMapping = "Charger/mappingtest"
	// ResourceTryTemplate reads a device no Charger describes through a
	// template; ResourceDiscover scans a network or bus for devices. Both
	// reach devices at addresses the caller chooses.
	ResourceTryTemplate = "mappingtest"
	ResourceDiscover    = "discover"
)

// StatusResource is the status subresource of kind. Controllers write
// status in-process; over HTTP only an admin may.
func StatusResource(kind string) string { return kind + "/status" }

// Resources lists every resource the API serves: each kind, its status,
// and the others above.
func Resources() []string {
	var out []string
	for _, k := range v1alpha1.Kinds() {
		out = append(out, k.Kind, StatusResource(k.Kind))
	}
	return append(out, ResourceCommand, ResourceMapping, ResourceTryTemplate, ResourceDiscover,
		ResourceVersion, ResourceDiscovery, ResourceMetrics, ResourceBackup, ResourceLogLevels, ResourceAudit)
}

// Rule allows its verbs on its resources; "*" in either matches all.
type Rule struct {
	Verbs     []Verb
	Resources []string
}

// OperatorKinds are the kinds an operator applies and deletes (registered
// OperatorWrites): the
// devices and what limits them, not where they report to nor credentials.
var OperatorKinds = operatorKinds()

func operatorKinds() []string {
	var out []string
	for _, r := range v1alpha1.DefaultScheme().Kinds() {
		if r.OperatorWrites {
			out = append(out, r.Kind)
		}
	}
	return out
}

// readAll reads and watches every kind (Secret values are redacted in
// every answer, whoever asks), the version, the discovery document, the
// metrics and the log levels.
func readAll() Rule {
	r := Rule{Verbs: []Verb{Get, List, Watch}, Resources: []string{ResourceVersion, ResourceDiscovery, ResourceMetrics, ResourceLogLevels}}
	for _, k := range v1alpha1.Kinds() {
		r.Resources = append(r.Resources, k.Kind)
	}
	return r
}

// rules is the whole policy: what each role may do.
var rules = map[string][]Rule{
	v1alpha1.RoleViewer: {readAll()},
	v1alpha1.RoleOperator: {
		readAll(),
		{Verbs: []Verb{Create, Update, Delete}, Resources: OperatorKinds},
		{Verbs: []Verb{Create}, Resources: []string{ResourceCommand, ResourceTryTemplate, ResourceDiscover}},
		{Verbs: []Verb{Get}, Resources: []string{ResourceMapping}},
	},
	v1alpha1.RoleAdmin: {{Verbs: []Verb{"*"}, Resources: []string{"*"}}},
}

// Roles lists the roles, least first.
func Roles() []string { return slices.Clone(v1alpha1.TokenRoles) }

// Allowed reports whether role may do verb on resource. An unknown role
// may do nothing.
func Allowed(role string, verb Verb, resource string) bool {
	for _, r := range rules[role] {
		if (slices.Contains(r.Verbs, "*") || slices.Contains(r.Verbs, verb)) &&
			(slices.Contains(r.Resources, "*") || slices.Contains(r.Resources, resource)) {
			return true
		}
	}
	return false
}
