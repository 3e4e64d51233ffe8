package v1alpha1

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"sync"

	"github.com/ocppgw/ocppgw/schemas/gen"
	"github.com/ocppgw/ocppgw/schemas/validate"
)

// The resource JSON Schemas are generated from the registered Go types when
// first needed: validation never reads a file that could be stale, and a
// kind or a protocol plug-in's connection type registered at init appears in
// them by itself. Generating and compiling all kinds takes 25-50 ms and
// keeps about 1.4 MiB, once per process (BenchmarkBuildSchemas,
// BenchmarkSchemaHeap). schemas/resources holds the same documents for
// editors, written by go generate and held current by a test. The
// constraints live in the `schema` struct tags (schemas/gen documents the
// keys) and in the rules below.

// SchemaBaseURL is the $id prefix of every resource schema.
const SchemaBaseURL = "https://ocppgw.dev/schemas/v1alpha1/"

const schemaDraft = "https://json-schema.org/draft/2020-12/schema"

// SchemaURL is the $id of kind's schema.
func SchemaURL(kind string) string { return SchemaBaseURL + strings.ToLower(kind) + ".json" }

const (
	dns1123Pattern = `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	durationRegexp = `^[-+]?((([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$`
	epcPattern     = `^(0[xX])?[89A-Fa-f][0-9A-Fa-f]$`
	epcMessage     = `must be an EPC 0x80..0xFF in hex such as "0xD3"`
)

// stringRules are the named string checks a tag applies with is=NAME.
var stringRules = map[string]gen.Schema{
	"name": {"minLength": 1, "maxLength": 63, "pattern": dns1123Pattern,
		"description": "A DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit.",
		"x-message":   "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit"},
	"dateTime": {"format": "date-time", "description": "An RFC 3339 date-time.",
		"x-message": `must be an RFC 3339 date-time such as "2025-01-31T12:00:00Z"`},
	"date-time": {"format": "date-time"},
	"secretKey": {"pattern": `^[-._a-zA-Z0-9]{1,253}$`, "x-message": "must be letters, digits, '-', '_' or '.'"},
	"labelKey": {"maxLength": 317,
		"pattern":   `^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`,
		"x-message": "must be an optional DNS subdomain prefix and '/', then letters, digits, '-', '_' or '.', starting and ending with a letter or digit"},
	"labelValue": {"maxLength": 63, "pattern": `^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`,
		"x-message": "must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit"},
	"devicePath": {"pattern": "^/", "x-message": "must be an absolute device path such as /dev/ttyUSB0"},
	"wsURL":      {"pattern": "^wss?://", "x-message": "must be a ws:// or wss:// URL"},
	"eoj": {"pattern": `^(0[xX])?[0-9A-Fa-f]{6}$`,
		"x-message": `must be 3 bytes of hex such as "0x02A101" (class group, class, instance); quote it in YAML`},
	"stationId": {"pattern": `^[A-Za-z0-9*_=+|@.-]+$`, "x-message": "may contain only letters, digits and * - _ = + | @ . (no ':' or '/')"},
	"identifier": {"pattern": `^[A-Za-z_][A-Za-z0-9_]{0,62}$`,
		"x-message": "must be an identifier: letters, digits and '_', not starting with a digit, at most 63 characters"},
	"epc":    {"pattern": epcPattern, "x-message": epcMessage},
	"object": {"type": "object"},
	"tokenHash": {"pattern": `^sha256:[0-9a-f]{64}$`,
		"x-message": `must be "sha256:" and 64 lower-case hex digits (the SHA-256 of the token, never the token)`},
}

// schemaEnums are the value lists a tag names with enum=NAME.
var schemaEnums = map[string][]any{
	"baudRate":          anyList(BaudRates),
	"parity":            {"none", "even", "odd"},
	"dataBits":          {8},
	"stopBits":          {1, 2},
	"phases":            {1, 3},
	"securityProfile":   {1, 2, 3},
	"secretType":        {SecretOpaque, SecretBasicAuth, SecretTLS},
	"blockFunction":     {FunctionHolding, FunctionInput, FunctionCoil, FunctionDiscrete},
	"signal":            anyList(SignalNames),
	"command":           anyList(CommandNames),
	"commandResult":     {CommandDone, CommandRejected, CommandTimeout, CommandUnsupported, CommandFailed},
	"connectorType":     anyList(ConnectorTypes),
	"connectorStatus":   anyList(ConnectorStatuses),
	"attribute":         anyList(Attributes),
	"authMode":          anyList(AuthorizationModes),
	"localIdTokenType":  {"Central", "NoAuthorization"},
	"idTokenType":       anyList(IDTokenTypes),
	"ocppState":         {OCPPStateRegistered, OCPPStatePending, OCPPStateRejected, OCPPStateOffline},
	"operationalStatus": {"Operative", "Inoperative"},
	"limitSource":       {LimitSourceCSMS, LimitSourceSite, LimitSourceCharger},
	"profileSource":     {ProfileSourceCSMS, ProfileSourceOperator, ProfileSourceSite},
	"rateUnit":          anyList(ChargingRateUnits),
	"purpose":           anyList(ChargingProfilePurposes),
	"profileKind":       anyList(ChargingProfileKinds),
	"recurrency":        anyList(RecurrencyKinds),
	"role":              anyList(TokenRoles),
	"txState":           {TransactionActive, TransactionEnded},
	"chargingState":     anyList(ChargingStates),
	"stopPoint":         {"EVConnected", "Authorized", "PowerPathClosed", "EnergyTransfer"},
	"stoppedReason":     anyList(StoppedReasons),
	"eventType":         anyList(TransactionEventTypes),
}

func anyList[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// schemaConfig maps the resource types. Types whose document form is not
// their Go fields (they have their own UnmarshalJSON) get fixed schemas.
func schemaConfig() (*gen.Config, error) {
	cfg := &gen.Config{
		Tag: "schema", DescriptionTag: "description", DefsKey: "$defs", Inline: true, Maps: true,
		Enums: withProtocols(schemaEnums), Strings: stringRules,
		Types: map[reflect.Type]gen.Schema{
			reflect.TypeFor[json.RawMessage](): {},
			reflect.TypeFor[Duration](): {"type": "string", "pattern": durationRegexp,
				"description": `A Go duration such as "500ms", "5s" or "1m30s".`,
				"x-message":   `must be a duration with a unit, such as "500ms", "5s" or "1m30s"`},
			reflect.TypeFor[AttributeValue](): {"type": []string{"string", "number", "boolean"}},
		},
		Enum: func(t reflect.Type) ([]string, bool) {
			if t == reflect.TypeFor[ConditionStatus]() {
				return []string{string(ConditionTrue), string(ConditionFalse), string(ConditionUnknown)}, true
			}
			return nil, false
		},
	}
	// An EPC entry is "0xD3" or {epc, size, optional}: one schema with both
	// types, whose string and object keywords each apply to their own type.
	entry, err := gen.New(cfg).Object(reflect.TypeFor[epcEntryObject]())
	if err != nil {
		return nil, err
	}
	entry["type"] = []string{"string", "object"}
	entry["pattern"], entry["x-message"] = epcPattern, epcMessage
	entry["description"] = `An EPC read on every poll: "0xD3", or {epc, size, optional} to declare its EDT length and whether the device may lack it.`
	cfg.Types[reflect.TypeFor[EPCEntry]()] = entry
	read, err := gen.New(cfg).Object(reflect.TypeFor[echonetReadDoc]())
	if err != nil {
		return nil, err
	}
	cfg.Types[reflect.TypeFor[EchonetRead]()] = read
	// A template's read holds the fixed members and each registered
	// protocol's section (Sections, which encoding/json does not see).
	if read, err = gen.New(cfg).Object(TemplateRead{}.documentShape()); err != nil {
		return nil, err
	}
	cfg.Types[reflect.TypeFor[TemplateRead]()] = read
	return cfg, nil
}

// withProtocols is enums with the registered protocols as "protocol": the
// schemas are built after every init function, so a protocol plug-in
// registered there is in them.
func withProtocols(enums map[string][]any) map[string][]any {
	out := maps.Clone(enums)
	out["protocol"] = anyList(Protocols())
	return out
}

// kindSchema renders the document of one kind: its typed view with
// apiVersion and kind fixed and status optional.
func kindSchema(cfg *gen.Config, r *Registration) ([]byte, error) {
	root, err := gen.New(cfg).Object(r.Type)
	if err != nil {
		return nil, fmt.Errorf("schema of %s: %w", r.Kind, err)
	}
	props := root["properties"].(gen.Schema)
	props["apiVersion"] = gen.Schema{"const": APIVersion}
	props["kind"] = gen.Schema{"const": r.Kind}
	var required []string
	for _, n := range root["required"].([]string) {
		if n != "status" {
			required = append(required, n)
		}
	}
	root["required"] = required
	root["$schema"] = schemaDraft
	root["$id"] = SchemaURL(r.Kind)
	if r.Title != "" {
		root["title"] = r.Title
	}
	return gen.Marshal(root)
}

// resourceSchemas is every kind's generated document and the compiled set.
type resourceSchemas struct {
	docs map[string][]byte // kind → document
	set  *validate.Set
}

var loadSchemas = sync.OnceValues(buildSchemas)

// buildSchemas generates and compiles every registered kind's schema.
func buildSchemas() (*resourceSchemas, error) {
	cfg, err := schemaConfig()
	if err != nil {
		return nil, err
	}
	out := &resourceSchemas{docs: map[string][]byte{}}
	byURL := map[string][]byte{}
	var roots []string
	for _, r := range scheme.Kinds() {
		b, err := kindSchema(cfg, r)
		if err != nil {
			return nil, err
		}
		out.docs[r.Kind] = b
		byURL[SchemaURL(r.Kind)] = b
		roots = append(roots, SchemaURL(r.Kind), specRoot(r.Kind))
	}
	if out.set, err = validate.Compile(byURL, roots...); err != nil {
		return nil, err
	}
	return out, nil
}

func specRoot(kind string) string { return SchemaURL(kind) + "#/properties/spec" }

// schemas returns the generated schemas. They come from the registered
// types, which tests cover, so failing here is a build defect.
func schemas() *resourceSchemas {
	s, err := loadSchemas()
	if err != nil {
		panic(err)
	}
	return s
}

// ResourceSchema returns the generated JSON Schema document of a kind.
func ResourceSchema(kind string) ([]byte, bool) {
	b, ok := schemas().docs[kind]
	return b, ok
}

// ResourceSchemaSet returns the compiled schemas, rooted at SchemaURL(kind)
// and at its "#/properties/spec".
func ResourceSchemaSet() *validate.Set { return schemas().set }

// ValidateDocument validates a whole document of a registered kind
// (apiVersion, kind, metadata, spec, status), decoded with
// json.Decoder.UseNumber, against its schema. It returns every problem,
// sorted by path; nil means the document conforms.
func ValidateDocument(kind string, doc any) []FieldError {
	if r := KindProblem(kind); r != "" {
		return []FieldError{{Field: "kind", Reason: r}}
	}
	return schemas().set.Validate(SchemaURL(kind), doc, "")
}

// checkSpecStructure reports unknown fields and wrong types in a decoded
// spec, from the same schema.
func checkSpecStructure(kind string, spec any) []FieldError {
	return schemas().set.Structure(specRoot(kind), spec, "spec")
}
