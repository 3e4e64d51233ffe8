package v1alpha1

import "reflect"

// The columns every kind but Transaction starts and ends its row with, the
// layout kubectl uses: NAME first, AGE after the always-shown columns.
var (
	nameColumn = Column{Header: "NAME", JSONPath: ".metadata.name", ObjectName: true}
	ageColumn  = Column{Header: "AGE", JSONPath: ".metadata.creationTimestamp", Type: "date"}
)

// row lays out NAME, the kind's columns, AGE, then the wide ones.
func row(cols ...Column) []Column {
	out := []Column{nameColumn}
	for _, c := range cols {
		if !c.Wide {
			out = append(out, c)
		}
	}
	out = append(out, ageColumn)
	for _, c := range cols {
		if c.Wide {
			out = append(out, c)
		}
	}
	return out
}

func col(header, path string) Column { return Column{Header: header, JSONPath: ".spec." + path} }
func wideCol(header, path string) Column {
	return Column{Header: header, JSONPath: ".spec." + path, Wide: true}
}
func computed(header string) Column     { return Column{Header: header} }
func wideComputed(header string) Column { return Column{Header: header, Wide: true} }

// init registers every kind, one Register each, in the order `gwctl get all`
// prints them.
func init() {
	all := []string{"all"}
	scheme.Register(Registration{
		Kind: KindCSMS, Singular: "csms", Plural: "csmses", Short: []string{"cs"},
		Title: "An OCPP 2.0.1 CSMS endpoint shared by many chargers",
		Scope: ScopeCluster, Type: reflect.TypeFor[CSMS](), Categories: all,
		Columns: row(col("URL", "url"), col("PROFILE", "securityProfile")),
		References: []RefPath{
			{Path: "spec.caSecretRef.name", Kind: KindSecret},
			{Path: "spec.clientCertificateSecretRef.name", Kind: KindSecret},
			{Path: "spec.basicAuthPasswordSecretRef.name", Kind: KindSecret},
		},
	})
	scheme.Register(Registration{
		Kind: KindBus, Singular: "bus", Plural: "buses", Short: []string{"bs"},
		Title: "One RS-485 line carrying Modbus RTU",
		Scope: ScopeCluster, Type: reflect.TypeFor[Bus](), Categories: all, OperatorWrites: true,
		Columns: row(col("DEVICE", "device"), col("BAUD", "baudRate"), col("PARITY", "parity")),
	})
	scheme.Register(Registration{
		Kind: KindSecret, Singular: "secret", Plural: "secrets", Short: []string{"sec"},
		Title: "Passwords and keys other objects reference",
		Scope: ScopeCluster, Type: reflect.TypeFor[Secret](), Categories: all, Sealed: true,
		Redacted: []string{"spec.data.*"},
		// Values never reach a table: KEYS names the keys only.
		Columns: row(col("TYPE", "type"), computed("KEYS")),
	})
	scheme.Register(Registration{
		Kind: KindTemplate, Singular: "template", Plural: "templates", Short: []string{"tpl", "tmpl"},
		Title: "A mapping from one charger model's registers or EPCs to canonical signals and commands",
		Scope: ScopeCluster, Type: reflect.TypeFor[Template](), Categories: all, OperatorWrites: true,
		Columns:    row(col("PROTOCOL", "protocol"), col("EXTENDS", "extends"), computed("READY"), computed("REASON")),
		References: []RefPath{{Path: "spec.extends", Kind: KindTemplate}},
	})
	registerCharger(all)
	registerChargingProfile(all)
	registerTransaction(all)
	// Tokens are access, not configuration: "all" leaves them out, as
	// kubectl's leaves out Secrets and RBAC.
	scheme.Register(Registration{
		Kind: KindToken, Singular: "token", Plural: "tokens", Short: []string{"tok"},
		Title: "A bearer token of the admin API, kept as its SHA-256 only",
		Scope: ScopeCluster, Type: reflect.TypeFor[Token](),
		// The hash is no credential (the API hashes what it is sent), but
		// one of a weak token could be guessed offline.
		Redacted: []string{"spec.hash"},
		Columns:  row(col("ROLE", "role"), col("EXPIRATION", "expiration")),
	})
}

func registerCharger(categories []string) {
	scheme.Register(Registration{
		Kind: KindCharger, Singular: "charger", Plural: "chargers", Short: []string{"ch"},
		Title: "A charger presented to a CSMS as one OCPP 2.0.1 Charging Station",
		Scope: ScopeCluster, Type: reflect.TypeFor[Charger](), Categories: categories, OperatorWrites: true,
		Columns: row(
			col("TEMPLATE", "templateRef"), computed("CONNECTION"), computed("DEVICE"), computed("EV"),
			Column{Header: "OCPP", JSONPath: ".status.ocpp.state"}, computed("REASON"),
			wideCol("STATION-ID", "ocpp.stationId"), wideCol("CSMS", "ocpp.csmsRef"), wideCol("POLL", "pollInterval"),
			wideComputed("EVSES"), wideComputed("CONNECTORS"), wideComputed("CHARGING"), wideComputed("POWER"),
			wideComputed("ENERGY"), wideComputed("LIMIT"), wideComputed("SOURCE"), wideComputed("NEXT"),
		),
		References: []RefPath{
			{Path: "spec.templateRef", Kind: KindTemplate},
			{Path: "spec.ocpp.csmsRef", Kind: KindCSMS},
			{Path: "spec.connection.*.busRef", Kind: KindBus},
		},
	})
}

func registerChargingProfile(categories []string) {
	scheme.Register(Registration{
		Kind: KindChargingProfile, Singular: "chargingprofile", Plural: "chargingprofiles", Short: []string{"cp"},
		Title: "An OCPP 2.0.1 ChargingProfile for one charger",
		Scope: ScopeCluster, Type: reflect.TypeFor[ChargingProfile](), Categories: categories, OperatorWrites: true,
		Columns: row(
			col("SOURCE", "source"), computed("CHARGER"), col("EVSE", "evseId"), computed("PURPOSE"),
			col("STACK", "stackLevel"), computed("LIMIT"),
			wideCol("SITE", "siteRef"), wideCol("VALID-FROM", "validFrom"), wideCol("VALID-TO", "validTo"),
		),
		References: []RefPath{
			{Path: "spec.chargerRef", Kind: KindCharger},
			{Path: "spec.chargers.names[*]", Kind: KindCharger},
		},
	})
}

// registerTransaction: a Transaction's columns are the whole row. Its name
// is the OCPP transactionId, shown as TRANSACTION, and STARTED takes AGE's
// place.
func registerTransaction(categories []string) {
	scheme.Register(Registration{
		Kind: KindTransaction, Singular: "transaction", Plural: "transactions", Short: []string{"tx"},
		Title: "One charging session and its TransactionEvent outbox",
		Scope: ScopeCluster, Type: reflect.TypeFor[Transaction](), Categories: categories,
		Columns: []Column{
			col("CHARGER", "chargerRef"), col("EVSE", "evseId"),
			{Header: "TRANSACTION", JSONPath: ".metadata.name", ObjectName: true},
			computed("STATE"), computed("ENERGY"), computed("POWER"),
			{Header: "STARTED", JSONPath: ".spec.startedAt", Type: "date"},
			computed("DURATION"), computed("QUEUED"),
			wideCol("CONNECTOR", "connectorId"), wideComputed("ID-TOKEN"), wideComputed("SEQNO"), wideComputed("DROPPED"),
		},
		References: []RefPath{{Path: "spec.chargerRef", Kind: KindCharger}},
	})
}
