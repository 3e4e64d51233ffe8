package v1alpha1

import (
	"strings"
	"testing"
)

type admitCase struct {
	name string
	kind string
	spec string
	want []want // nil = must be admitted
}

func runAdmitCases(t *testing.T, cases []admitCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := newObj(c.kind, "obj-1", c.spec)
			got := admitErrors(t, o)
			if c.want == nil && got != nil {
				t.Fatalf("want admitted, got:\n%s", fmtErrs(got))
			}
			checkErrors(t, got, c.want)
		})
	}
}

const tcp = `"connection":{"modbusTCP":{"host":"10.0.0.5"}}`

func TestAdmitCharger(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{"minimal tcp", "Charger", `{"templateRef":"abb",` + tcp + `}`, nil},
		{"rtu", "Charger", `{"templateRef":"abb","connection":{"modbusRTU":{"busRef":"rs485-0","unitId":7}}}`, nil},
		{"echonet", "Charger", `{"templateRef":"el","connection":{"echonet":{"address":"192.168.1.20","eoj":"0x02A101"}}}`, nil},
		{"echonet no prefix", "Charger", `{"templateRef":"el","connection":{"echonet":{"address":"fe80::1","eoj":"027e01","interface":"eth0"}}}`, nil},
		{"two connections", "Charger", `{"templateRef":"a","connection":{"modbusTCP":{"host":"h"},"echonet":{"address":"10.0.0.1","eoj":"02A101"}}}`,
			[]want{{"spec.connection", "got echonet and modbusTCP"}}},
		{"no connection", "Charger", `{"templateRef":"a","connection":{}}`,
			[]want{{"spec.connection", "must set exactly one"}}},
		{"tcp ranges", "Charger", `{"templateRef":"a","connection":{"modbusTCP":{"host":"bad host","port":70000,"unitId":256,"timeout":"fast"}}}`,
			[]want{{"spec.connection.modbusTCP.host", "IP address or a host name"},
				{"spec.connection.modbusTCP.port", "between 1 and 65535, got 70000"},
				{"spec.connection.modbusTCP.unitId", "between 0 and 255, got 256"},
				{"spec.connection.modbusTCP.timeout", `invalid duration "fast"`}}},
		{"tcp host with port", "Charger", `{"templateRef":"a","connection":{"modbusTCP":{"host":"10.0.0.1:1502"}}}`,
			[]want{{"spec.connection.modbusTCP.host", "put 1502 in spec.connection.modbusTCP.port"}}},
		{"rtu unit range", "Charger", `{"templateRef":"a","connection":{"modbusRTU":{"busRef":"Bus_0","unitId":248}}}`,
			[]want{{"spec.connection.modbusRTU.unitId", "between 1 and 247, got 248"},
				{"spec.connection.modbusRTU.busRef", "must name an object"}}},
		{"echonet bad", "Charger", `{"templateRef":"a","connection":{"echonet":{"address":"224.0.23.0","eoj":"0x02A100","port":0,"interface":"a/b"}}}`,
			[]want{{"spec.connection.echonet.address", "unicast"},
				{"spec.connection.echonet.eoj", "instance code 0x00"},
				{"spec.connection.echonet.interface", "network interface name"}}},
		{"echonet eoj not hex", "Charger", `{"templateRef":"a","connection":{"echonet":{"address":"10.1.1.1","eoj":"0xZZ"}}}`,
			[]want{{"spec.connection.echonet.eoj", `got "0xZZ"`}}},
		{"poll interval too short", "Charger", `{"templateRef":"a",` + tcp + `,"pollInterval":"50ms","failureThreshold":-1}`,
			[]want{{"spec.pollInterval", "at least 100ms, got 50ms"}, {"spec.failureThreshold", "at least 1, got -1"}}},
		{"evse ids", "Charger", `{"templateRef":"a",` + tcp + `,"evses":[{"id":1},{"id":1},{"id":3,"connectors":[{"id":2},{"id":2,"type":"cType9"}]}]}`,
			[]want{{"spec.evses[1].id", "duplicate EVSE id 1"},
				{"spec.evses[2].connectors[1].id", "duplicate connector id 2"},
				{"spec.evses[2].connectors[1].type", `got "cType9"`}}},
		{"evse gap", "Charger", `{"templateRef":"a",` + tcp + `,"evses":[{"id":1},{"id":3}]}`,
			[]want{{"spec.evses", "EVSE id 2 is missing"}}},
		{"connector gap", "Charger", `{"templateRef":"a",` + tcp + `,"evses":[{"connectors":[{"id":2}]}]}`,
			[]want{{"spec.evses[0].connectors", "connector id 1 is missing"}}},
		{"evse id zero", "Charger", `{"templateRef":"a",` + tcp + `,"evses":[{"id":-1}]}`,
			[]want{{"spec.evses[0].id", "at least 1, got -1"}}},
		{"ocpp ok", "Charger", `{"templateRef":"a",` + tcp + `,"ocpp":{"csmsRef":"main","stationId":"CP-001","variables":[
			{"component":"OCPPCommCtrlr","variable":"HeartbeatInterval","value":300},
			{"component":"Connector","evse":{"id":1,"connectorId":1},"variable":"ConnectorType","value":"cType2"},
			{"component":"AuthCtrlr","variable":"Enabled","value":false}]}}`, nil},
		{"ocpp bad", "Charger", `{"templateRef":"a",` + tcp + `,"ocpp":{"stationId":"a:b","model":"` + strings.Repeat("m", 21) + `","variables":[
			{"component":"","variable":"X","value":"1","attribute":"Current"},
			{"component":"EVSE","evse":{"id":2},"variable":"Power","value":"1"},
			{"component":"Connector","evse":{"id":1,"connectorId":3},"variable":"Y","value":"1"},
			{"component":"C","variable":"V","value":"1"},{"component":"c","variable":"v","value":"2","attribute":"Actual"},
			{"component":"C","variable":"W","value":{"x":1}}]}}`,
			[]want{{"spec.ocpp.stationId", `no ':' or '/'`},
				{"spec.ocpp.csmsRef", `required field "csmsRef" is missing`},
				{"spec.ocpp.model", "at most 20 characters, got 21"},
				{"spec.ocpp.variables[0].component", `required field "component" is missing`},
				{"spec.ocpp.variables[0].attribute", `got "Current"`},
				{"spec.ocpp.variables[1].evse.id", "EVSE 2 is not declared"},
				{"spec.ocpp.variables[2].evse.connectorId", "connector 3 is not declared on EVSE 1"},
				{"spec.ocpp.variables[4]", "duplicate of spec.ocpp.variables[3]"},
				{"spec.ocpp.variables[5].value", "must be string, number or boolean, got object"}}},
		{"station id defaults to long name", "Charger", `{"templateRef":"a",` + tcp + `,"ocpp":{"csmsRef":"m","stationId":"` + strings.Repeat("x", 49) + `"}}`,
			[]want{{"spec.ocpp.stationId", "at most 48 characters"}}},
	})
}

func TestChargerDefaults(t *testing.T) {
	o := newObj("Charger", "wb-1", `{"templateRef":"abb",`+tcp+`,"ocpp":{"csmsRef":"main","variables":[{"component":"C","variable":"V","value":30}]},"evses":[{},{"connectors":[{"type":"sType2"},{}]}]}`)
	if err := Admit(o); err != nil {
		t.Fatal(err)
	}
	c, err := DecodeCharger(o)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Spec
	tc := ConnectionAs[ModbusTCPConnection](s.Connection)
	if tc.Port != 502 || tc.UnitID == nil || *tc.UnitID != 1 || tc.Timeout != "1s" {
		t.Errorf("tcp defaults: %+v", tc)
	}
	if s.PollInterval != "5s" || s.PollInterval.Duration().Seconds() != 5 || s.FailureThreshold != 3 {
		t.Errorf("poll defaults: %q %d", s.PollInterval, s.FailureThreshold)
	}
	if s.OCPP.StationID != "wb-1" || s.OCPP.Variables[0].Attribute != "Actual" || s.OCPP.Variables[0].Value != "30" {
		t.Errorf("ocpp defaults: %+v", s.OCPP)
	}
	if len(s.EVSEs) != 2 || s.EVSEs[0].ID != 1 || s.EVSEs[1].ID != 2 ||
		len(s.EVSEs[0].Connectors) != 1 || s.EVSEs[0].Connectors[0] != (Connector{ID: 1, Type: "cType2"}) ||
		s.EVSEs[1].Connectors[0] != (Connector{ID: 1, Type: "sType2"}) || s.EVSEs[1].Connectors[1] != (Connector{ID: 2, Type: "cType2"}) {
		t.Errorf("evse defaults: %+v", s.EVSEs)
	}
	// Explicit unit id 0 survives defaulting.
	o = newObj("Charger", "c", `{"templateRef":"a","connection":{"modbusTCP":{"host":"h","unitId":0}}}`)
	if err := Admit(o); err != nil || !strings.Contains(string(o.Spec), `"unitId":0`) {
		t.Errorf("unitId 0: %v %s", err, o.Spec)
	}
	// No ocpp block: none is invented.
	o = newObj("Charger", "c", `{"templateRef":"a",`+tcp+`}`)
	if err := Admit(o); err != nil || strings.Contains(string(o.Spec), "ocpp") {
		t.Errorf("no ocpp: %v %s", err, o.Spec)
	}
}

func TestAdmitTemplate(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{"modbus", "Template", `{"protocol":"modbus","read":{"modbus":{"blocks":[{"name":"status","address":16396,"count":2},{"name":"coils","function":"coil","address":0,"count":1500}]}},
			"signals":{"charging":"regs[\"status\"][1] == 4","currentA1":"u32(regs[\"cur\"], 0) / 1000.0"},
			"commands":{"setCurrentLimit":{"expr":"[write(16640, limitA)]"},"keepAlive":{"expr":"[]","period":"30s"}}}`, nil},
		{"echonet", "Template", `{"protocol":"echonet","read":{"echonet":{"epcs":["0xD3","C7","0x80"]}}}`, nil},
		{"extends without protocol", "Template", `{"extends":"modbus-base","signals":{"powerW":"1"}}`, nil},
		{"no protocol no extends", "Template", `{}`, []want{{"spec.protocol", `required field "protocol" is missing`}}},
		{"self extends", "Template", `{"extends":"obj-1"}`, []want{{"spec.extends", "cannot extend itself"}}},
		{"bad protocol", "Template", `{"protocol":"bacnet"}`, []want{{"spec.protocol", `got "bacnet"`}}},
		{"read mismatch", "Template", `{"protocol":"echonet","read":{"modbus":{"blocks":[]}}}`,
			[]want{{"spec.read.modbus", `not allowed with protocol "echonet"`}}},
		{"blocks", "Template", `{"protocol":"modbus","read":{"modbus":{"blocks":[
			{"name":"1st","function":"holding","address":70000,"count":0},
			{"name":"a","function":"register","address":0,"count":126},
			{"name":"a","address":65535,"count":2},
			{"name":"b","address":0,"count":10,"unit":300}]}}}`,
			[]want{{"spec.read.modbus.blocks[0].name", "must be an identifier"},
				{"spec.read.modbus.blocks[0].address", "between 0 and 65535, got 70000"},
				{"spec.read.modbus.blocks[0].count", "between 1 and 125, got 0"},
				{"spec.read.modbus.blocks[1].function", `got "register"`},
				{"spec.read.modbus.blocks[1].count", "between 1 and 125, got 126"},
				{"spec.read.modbus.blocks[2].name", `duplicate block name "a"`},
				{"spec.read.modbus.blocks[2].count", "runs past address 65535"},
				{"spec.read.modbus.blocks[3].unit", "between 0 and 255, got 300"}}},
		{"epcs", "Template", `{"protocol":"echonet","read":{"echonet":{"epcs":["0x7F","0xD3","d3","0xGG"]}}}`,
			[]want{{"spec.read.echonet.epcs[0]", "0x80..0xFF"},
				{"spec.read.echonet.epcs[2]", "duplicate EPC 0xD3"},
				{"spec.read.echonet.epcs[3]", "one byte of hex"}}},
		{"signals and commands", "Template", `{"protocol":"modbus","signals":{"currentA":"1","powerW":" "},
			"commands":{"reboot":{"expr":"1"},"start":{"expr":"","period":"1s"},"keepAlive":{"expr":"1"}}}`,
			[]want{{"spec.signals.currentA", `unknown signal "currentA"; known signals: evConnected`},
				{"spec.signals.powerW", "must not be empty"},
				{"spec.commands.reboot", `unknown command "reboot"`},
				{"spec.commands.start.expr", "must not be empty"},
				{"spec.commands.start.period", "only keepAlive has a period"},
				{"spec.commands.keepAlive.period", `required field "period" is missing`}}},
	})
	o := newObj("Template", "t", `{"protocol":"modbus","read":{"modbus":{"blocks":[{"name":"s","address":1,"count":1}]}}}`)
	if err := Admit(o); err != nil || !strings.Contains(string(o.Spec), `"function":"holding"`) {
		t.Errorf("function default: %v %s", err, o.Spec)
	}
}

func TestAdmitCSMS(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{"profile 1", "CSMS", `{"url":"ws://127.0.0.1:9000/ocpp","basicAuthPasswordSecretRef":{"name":"csms-pw"}}`, nil},
		{"profile 2", "CSMS", `{"url":"wss://csms.example.com/ocpp","securityProfile":2,"caSecretRef":{"name":"ca"}}`, nil},
		{"profile 3", "CSMS", `{"url":"wss://csms.example.com/ocpp","securityProfile":3,"clientCertificateSecretRef":{"name":"client"}}`, nil},
		{"profile 2 needs wss", "CSMS", `{"url":"ws://h/ocpp","securityProfile":2}`, []want{{"spec.url", "securityProfile 2 needs a wss:// URL"}}},
		{"profile 1 with wss", "CSMS", `{"url":"wss://h/ocpp"}`, []want{{"spec.url", "use securityProfile 2"}}},
		{"profile 3 needs cert", "CSMS", `{"url":"wss://h/ocpp","securityProfile":3,"basicAuthPasswordSecretRef":{"name":"p"}}`,
			[]want{{"spec.clientCertificateSecretRef", "required with securityProfile 3"},
				{"spec.basicAuthPasswordSecretRef", "not used with securityProfile 3"}}},
		{"cert without profile 3", "CSMS", `{"url":"ws://h/ocpp","clientCertificateSecretRef":{"name":"c"}}`,
			[]want{{"spec.clientCertificateSecretRef", "only used with securityProfile 3"}}},
		{"bad url and profile", "CSMS", `{"url":"http://h/ocpp","securityProfile":4,"messageTimeout":"10ms","pingInterval":"-1s","retryBackOff":{"repeatTimes":99,"waitMinimum":"x"}}`,
			[]want{{"spec.url", `must be a ws:// or wss:// URL, got "http://h/ocpp"`},
				{"spec.securityProfile", "between 1 and 3, got 4"},
				{"spec.messageTimeout", "at least 1s"},
				{"spec.pingInterval", "at least 0s"},
				{"spec.retryBackOff.repeatTimes", "between 0 and 20, got 99"},
				{"spec.retryBackOff.waitMinimum", `invalid duration "x"`}}},
		{"url with query", "CSMS", `{"url":"ws://h/ocpp?x=1"}`, []want{{"spec.url", "query or fragment"}}},
		{"missing url", "CSMS", `{}`, []want{{"spec.url", `required field "url" is missing`}}},
		{"ca both and bad pem", "CSMS", `{"url":"wss://h/","securityProfile":2,"caBundle":"not pem","caSecretRef":{"name":"ca","key":"bad key"}}`,
			[]want{{"spec.caSecretRef", "either caBundle or caSecretRef"},
				{"spec.caBundle", "at least one CERTIFICATE"},
				{"spec.caSecretRef.key", `got "bad key"`}}},
		{"ca with ws", "CSMS", `{"url":"ws://h/","caSecretRef":{"name":"ca"}}`, []want{{"spec.url", "only used with a wss:// URL"}}},
	})
	o := newObj("CSMS", "c", `{"url":"ws://h/ocpp","basicAuthPasswordSecretRef":{"name":"pw"}}`)
	if err := Admit(o); err != nil {
		t.Fatal(err)
	}
	want := `{"basicAuthPasswordSecretRef":{"key":"password","name":"pw"},"messageTimeout":"30s","pingInterval":"30s","retryBackOff":{"randomRange":"10s","repeatTimes":5,"waitMinimum":"10s"},"securityProfile":1,"url":"ws://h/ocpp"}`
	if string(o.Spec) != want {
		t.Errorf("defaults:\n%s\nwant\n%s", o.Spec, want)
	}
}

func TestAdmitBus(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{"ok", "Bus", `{"device":"/dev/ttyUSB0","baudRate":19200,"parity":"none","stopBits":2,"pollBudget":40,"retries":0}`, nil},
		{"bad", "Bus", `{"device":"ttyUSB0","baudRate":14400,"parity":"mark","dataBits":7,"stopBits":3,"timeout":"1ms","retries":11,"pollBudget":-1,"deadUnitBackoff":"-1s","deadUnitAfter":0,"lateReplyGuard":"soon"}`,
			[]want{{"spec.device", "clean absolute path"},
				{"spec.baudRate", "got 14400"},
				{"spec.parity", `got "mark"`},
				{"spec.dataBits", "must be 8"},
				{"spec.stopBits", "between 1 and 2, got 3"},
				{"spec.timeout", "at least 10ms"},
				{"spec.retries", "between 0 and 10, got 11"},
				{"spec.pollBudget", "must not be negative"},
				{"spec.deadUnitBackoff", "at least 0s"},
				{"spec.lateReplyGuard", `invalid duration "soon"`}}},
		{"missing device", "Bus", `{}`, []want{{"spec.device", `required field "device" is missing`}}},
	})
	o := newObj("Bus", "b", `{"device":"/dev/ttyS0","retries":0}`)
	if err := Admit(o); err != nil || !strings.Contains(string(o.Spec), `"retries":0`) {
		t.Errorf("retries 0 must survive defaulting: %v %s", err, o.Spec)
	}
}

func TestAdmitSecret(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{"opaque", "Secret", `{"data":{"password":"x","tls.crt":"y"}}`, nil},
		{"basic-auth", "Secret", `{"type":"basic-auth","data":{"password":"x"}}`, nil},
		{"tls missing key", "Secret", `{"type":"tls","data":{"tls.crt":"x"}}`, []want{{`spec.data["tls.key"]`, `needs key "tls.key"`}}},
		{"basic-auth missing", "Secret", `{"type":"basic-auth"}`, []want{{"spec.data.password", `needs key "password"`}}},
		{"bad type and key", "Secret", `{"type":"ssh","data":{"a b":"x","n":1}}`,
			[]want{{"spec.type", `got "ssh"`}, {`spec.data["a b"]`, "letters, digits"}, {"spec.data.n", "must be string, got integer"}}},
	})
}

func TestAdmitChargingProfile(t *testing.T) {
	base := `"chargerRef":"wb-1","id":7,"stackLevel":0,`
	runAdmitCases(t, []admitCase{
		{"absolute", "ChargingProfile", `{` + base + `"evseId":0,"source":"csms","chargingProfilePurpose":"ChargingStationMaxProfile","chargingProfileKind":"Absolute",
			"chargingSchedule":[{"id":1,"startSchedule":"2025-01-01T00:00:00Z","chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16},{"startPeriod":3600,"limit":8.5,"numberPhases":1,"phaseToUse":2}]}]}`, nil},
		{"relative tx", "ChargingProfile", `{` + base + `"evseId":1,"source":"csms","transactionId":"tx-1","chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative",
			"chargingSchedule":[{"id":1,"chargingRateUnit":"W","chargingSchedulePeriod":[{"startPeriod":0,"limit":7400}]}]}`, nil},
		{"recurring", "ChargingProfile", `{` + base + `"evseId":1,"source":"csms","chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Recurring","recurrencyKind":"Daily",
			"validFrom":"2025-01-01T00:00:00Z","validTo":"2026-01-01T00:00:00+01:00",
			"chargingSchedule":[{"id":1,"startSchedule":"2025-01-01T00:00:00Z","duration":86400,"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":10}]}]}`, nil},
		{"cross-field", "ChargingProfile", `{` + base + `"evseId":0,"source":"csms","transactionId":"t","chargingProfilePurpose":"TxProfile","chargingProfileKind":"Recurring",
			"validFrom":"2025-02-01T00:00:00Z","validTo":"2025-01-01T00:00:00Z",
			"chargingSchedule":[{"id":1,"chargingRateUnit":"kW","chargingSchedulePeriod":[{"startPeriod":5,"limit":1.25},{"startPeriod":5,"limit":-1,"phaseToUse":1,"numberPhases":3}]}]}`,
			[]want{{"spec.recurrencyKind", "required when chargingProfileKind is Recurring"},
				{"spec.validTo", "must be after validFrom"},
				{"spec.evseId", "a TxProfile applies to one EVSE"},
				{"spec.chargingSchedule[0].startSchedule", "required for an Recurring profile"},
				{"spec.chargingSchedule[0].chargingRateUnit", `got "kW"`},
				{"spec.chargingSchedule[0].chargingSchedulePeriod[0].startPeriod", "must start at 0, got 5"},
				{"spec.chargingSchedule[0].chargingSchedulePeriod[0].limit", "at most one decimal, got 1.25"},
				{"spec.chargingSchedule[0].chargingSchedulePeriod[1].startPeriod", "greater than the previous period's 5"},
				{"spec.chargingSchedule[0].chargingSchedulePeriod[1].limit", "must not be negative"},
				{"spec.chargingSchedule[0].chargingSchedulePeriod[1].phaseToUse", "only allowed when numberPhases is 1"}}},
		{"station max on evse, external by csms", "ChargingProfile", `{` + base + `"evseId":1,"source":"csms","transactionId":"t","chargingProfilePurpose":"ChargingStationMaxProfile","chargingProfileKind":"Relative","recurrencyKind":"Weekly",
			"validFrom":"yesterday","chargingSchedule":[]}`,
			[]want{{"spec.evseId", "evseId must be 0"},
				{"spec.transactionId", "only used with chargingProfilePurpose TxProfile"},
				{"spec.recurrencyKind", "only used when chargingProfileKind is Recurring"},
				{"spec.validFrom", "RFC 3339"},
				{"spec.chargingSchedule", "1 to 3 schedules, got 0"}}},
		{"external constraints from csms", "ChargingProfile", `{` + base + `"evseId":0,"source":"csms","chargingProfilePurpose":"ChargingStationExternalConstraints","chargingProfileKind":"Relative",
			"chargingSchedule":[{"id":1,"startSchedule":"2025-01-01T00:00:00Z","chargingRateUnit":"A","chargingSchedulePeriod":[]},{"id":1,"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":6}]}]}`,
			[]want{{"spec.chargingProfilePurpose", "may not set ChargingStationExternalConstraints"},
				{"spec.chargingSchedule[0].startSchedule", "must not be set for a Relative profile"},
				{"spec.chargingSchedule[0].chargingSchedulePeriod", "1 to 1024 periods, got 0"},
				{"spec.chargingSchedule[1].id", "duplicate schedule id 1"}}},
		{"missing", "ChargingProfile", `{"evseId":-1,"stackLevel":-1,"source":"grid"}`,
			[]want{{"spec.chargerRef", "missing"}, {"spec.evseId", "at least 0"}, {"spec.stackLevel", "at least 0"},
				{"spec.source", `got "grid"`},
				{"spec.chargingProfileKind", "missing"},
				{"spec.chargingSchedule", "got 0"}}},
		{"site limit", "ChargingProfile", `{"chargers":{"selector":"site=north","names":["wb-1"]},"id":1,"stackLevel":0,"limit":{"value":250,"unit":"A"}}`, nil},
		{"site share", "ChargingProfile", `{"chargerRef":"wb-1","source":"site","siteRef":"north","id":1,"stackLevel":0,"limit":{"value":16,"unit":"A"}}`, nil},
		{"site limit mistakes", "ChargingProfile", `{"chargerRef":"wb-1","chargers":{"selector":"site in (north"},"siteRef":"x","id":1,"stackLevel":0,
			"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Absolute","limit":{"value":-2,"unit":"kW"}}`,
			[]want{{"spec.chargers", "set chargerRef or chargers, not both"},
				{"spec.chargers.selector", ""},
				{"spec.siteRef", "only a site profile"},
				{"spec.chargingProfilePurpose", "its purpose is ChargingStationExternalConstraints, got TxDefaultProfile"},
				{"spec.limit", "not both"},
				{"spec.limit.value", "must not be negative"},
				{"spec.limit.unit", `got "kW"`}}},
		{"csms constant, site without ref", "ChargingProfile", `{"chargerRef":"wb-1","source":"csms","chargers":{"names":[]},"id":1,"stackLevel":0,
			"chargingProfilePurpose":"TxDefaultProfile","limit":{"value":16,"unit":"A"}}`,
			[]want{{"spec.chargers", "only an operator profile"},
				{"spec.limit", "carries a chargingSchedule"}}},
		{"site share without ref", "ChargingProfile", `{"chargerRef":"wb-1","source":"site","id":1,"stackLevel":0,"limit":{"value":16,"unit":"A"}}`,
			[]want{{"spec.siteRef", "missing"}}},
	})
}

func TestAdmitTransaction(t *testing.T) {
	runAdmitCases(t, []admitCase{
		{"ok", "Transaction", `{"chargerRef":"wb-1","evseId":1,"transactionId":"5f0c","idToken":{"idToken":"04A1B2","type":"ISO14443"},"startedAt":"2025-03-01T10:00:00.123Z"}`, nil},
		{"no auth", "Transaction", `{"chargerRef":"wb-1","evseId":1,"transactionId":"t","idToken":{"idToken":"","type":"NoAuthorization"},"startedAt":"2025-03-01T10:00:00Z"}`, nil},
		{"bad", "Transaction", `{"chargerRef":"wb-1","evseId":0,"connectorId":-2,"transactionId":"` + strings.Repeat("t", 37) + `","idToken":{"idToken":"","type":"RFID"},"startedAt":"now"}`,
			[]want{{"spec.evseId", "at least 1, got 0"},
				{"spec.connectorId", "at least 1, got -2"},
				{"spec.transactionId", "at most 36 characters, got 37"},
				{"spec.idToken.idToken", "missing"},
				{"spec.idToken.type", `got "RFID"`},
				{"spec.startedAt", "RFC 3339"}}},
		{"missing", "Transaction", `{}`,
			[]want{{"spec.chargerRef", "missing"}, {"spec.evseId", "at least 1"}, {"spec.transactionId", "missing"}, {"spec.startedAt", "missing"}}},
	})
}

func TestParseEOJAndEPC(t *testing.T) {
	if eoj, err := ParseEOJ("0x02A101"); err != nil || eoj != [3]byte{0x02, 0xA1, 0x01} {
		t.Errorf("ParseEOJ: %v %v", eoj, err)
	}
	if eoj, err := ParseEOJ("027e02"); err != nil || eoj != [3]byte{0x02, 0x7E, 0x02} {
		t.Errorf("ParseEOJ: %v %v", eoj, err)
	}
	for _, bad := range []string{"", "0x02A1", "0x02A1011", "zz", "0x02A100"} {
		if _, err := ParseEOJ(bad); err == nil {
			t.Errorf("ParseEOJ(%q) succeeded", bad)
		}
	}
	if epc, err := ParseEPC("0xd3"); err != nil || epc != 0xD3 {
		t.Errorf("ParseEPC: %v %v", epc, err)
	}
	for _, bad := range []string{"0x7F", "D", "0x100", "x"} {
		if _, err := ParseEPC(bad); err == nil {
			t.Errorf("ParseEPC(%q) succeeded", bad)
		}
	}
}

func TestDerivedName(t *testing.T) {
	long := strings.Repeat("wallbox-", 10)
	for _, c := range []struct {
		base, suffix, key string
		ambiguous         bool
		exact             string
	}{
		{"wb-1", "-csms-7", "wb-1", false, "wb-1-csms-7"},
		{long, "-csms-7", long, false, ""},
		{"a--b--c", "", "a--b\x00c", true, ""},
	} {
		got := DerivedName(c.base, c.suffix, c.key, c.ambiguous)
		if p := NameProblem(got); p != "" {
			t.Errorf("%q: %s", got, p)
		}
		if c.exact != "" && got != c.exact {
			t.Errorf("DerivedName(%q, %q) = %q, want %q", c.base, c.suffix, got, c.exact)
		}
		if c.exact == "" && (!strings.HasSuffix(got, c.suffix) || got == c.base+c.suffix) {
			t.Errorf("DerivedName(%q, %q) = %q, want a digest before the suffix", c.base, c.suffix, got)
		}
	}
	if DerivedName(long, "", "x", false) == DerivedName(long, "", "y", false) {
		t.Error("two keys cut alike got one name")
	}
}
