package v1alpha1

import (
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// SetDefaults fills what the operator left out. stationId defaults to the
// object's name.
func (s *ChargerSpec) SetDefaults(meta *ObjectMeta) {
	defaultDuration(&s.PollInterval, "5s")
	defaultInt(&s.FailureThreshold, 3)
	s.Connection.setDefaults()
	if o := s.OCPP; o != nil {
		defaultString(&o.StationID, meta.Name)
		for i := range o.Variables {
			defaultString(&o.Variables[i].Attribute, "Actual")
		}
	}
	if len(s.EVSEs) == 0 {
		s.EVSEs = []EVSE{{}}
	}
	for i := range s.EVSEs {
		e := &s.EVSEs[i]
		defaultInt(&e.ID, i+1)
		if len(e.Connectors) == 0 {
			e.Connectors = []Connector{{}}
		}
		for j := range e.Connectors {
			defaultInt(&e.Connectors[j].ID, j+1)
			defaultString(&e.Connectors[j].Type, "cType2")
		}
	}
}

// Validate returns every problem with a defaulted spec.
func (s *ChargerSpec) Validate(meta *ObjectMeta) []FieldError {
	var errs fieldErrors
	p := FieldPath("spec")
	checkRef(&errs, p.Key("templateRef"), s.TemplateRef, true)
	validateConnection(&errs, p.Key("connection"), &s.Connection)
	checkDuration(&errs, p.Key("pollInterval"), s.PollInterval, 100*time.Millisecond)
	checkMin(&errs, p.Key("failureThreshold"), s.FailureThreshold, 1)
	validateEVSEs(&errs, p.Key("evses"), s.EVSEs)
	if s.Electrical != nil {
		validateElectrical(&errs, p.Key("electrical"), s.Supply())
	}
	if s.OCPP != nil {
		validateChargerOCPP(&errs, p.Key("ocpp"), s.OCPP, s.EVSEs)
	}
	return errs
}

// SetDefaults implements ConnectionSpec.
func (c *ModbusTCPConnection) SetDefaults() {
	defaultInt(&c.Port, 502)
	defaultIntPtr(&c.UnitID, 1)
	defaultDuration(&c.Timeout, "1s")
}

// Validate implements ConnectionSpec.
func (c *ModbusTCPConnection) Validate(p FieldPath) []FieldError {
	return collect(func(errs *fieldErrors) { validateModbusTCP(errs, p, c) })
}

// BusName implements BusUser.
func (c *ModbusRTUConnection) BusName() string { return c.BusRef }

// SetDefaults implements ConnectionSpec; a Modbus RTU connection has no defaults.
func (c *ModbusRTUConnection) SetDefaults() {}

// Validate implements ConnectionSpec.
func (c *ModbusRTUConnection) Validate(p FieldPath) []FieldError {
	return collect(func(errs *fieldErrors) {
		checkRef(errs, p.Key("busRef"), c.BusRef, true)
		checkRange(errs, p.Key("unitId"), c.UnitID, 1, 247)
	})
}

// SetDefaults implements ConnectionSpec.
func (c *EchonetConnection) SetDefaults() {
	defaultInt(&c.Port, 3610)
	defaultDuration(&c.Timeout, "2s")
}

// Validate implements ConnectionSpec.
func (c *EchonetConnection) Validate(p FieldPath) []FieldError {
	return collect(func(errs *fieldErrors) { validateEchonet(errs, p, c) })
}

func validateModbusTCP(errs *fieldErrors, p FieldPath, c *ModbusTCPConnection) {
	if r := HostProblem(c.Host); r != "" {
		errs.add(p.Key("host"), r)
	} else if _, port, err := splitHostPort(c.Host); err == nil && port != "" {
		errs.add(p.Key("host"), fmt.Sprintf("must be a host name or IP address without a port; put %s in %s", port, p.Key("port")))
	}
	checkRange(errs, p.Key("port"), c.Port, 1, 65535)
	if c.UnitID != nil {
		checkRange(errs, p.Key("unitId"), *c.UnitID, 0, 255)
	}
	checkDuration(errs, p.Key("timeout"), c.Timeout, 10*time.Millisecond)
}

func validateEchonet(errs *fieldErrors, p FieldPath, c *EchonetConnection) {
	if c.Address == "" {
		errs.add(p.Key("address"), "required")
	} else if a, err := netip.ParseAddr(c.Address); err != nil {
		errs.add(p.Key("address"), fmt.Sprintf("must be an IP address, got %q", c.Address))
	} else if a.IsMulticast() || a.IsUnspecified() {
		errs.add(p.Key("address"), fmt.Sprintf("must be the unicast address of one device, got %s", c.Address))
	}
	if c.EOJ == "" {
		errs.add(p.Key("eoj"), "required")
	} else if _, err := ParseEOJ(c.EOJ); err != nil {
		errs.add(p.Key("eoj"), err.Error())
	}
	checkRange(errs, p.Key("port"), c.Port, 1, 65535)
	if c.Interface != "" && !ifaceRE.MatchString(c.Interface) {
		errs.add(p.Key("interface"), fmt.Sprintf("must be a network interface name such as \"eth0\" (at most 15 characters, no '/' or spaces), got %q", c.Interface))
	}
	checkDuration(errs, p.Key("timeout"), c.Timeout, 10*time.Millisecond)
}

var (
	ifaceRE     = regexp.MustCompile(`^[A-Za-z0-9_.:@-]{1,15}$`)
	stationIDRE = regexp.MustCompile(`^[A-Za-z0-9*_=+|@.-]+$`)
)

// StationIDProblem returns why id is not a usable OCPP identity, or "".
func StationIDProblem(id string) string {
	switch {
	case id == "":
		return "must not be empty"
	case len(id) > 48:
		return fmt.Sprintf("must be at most 48 characters, got %d", len(id))
	case !stationIDRE.MatchString(id):
		return fmt.Sprintf("%q may contain only letters, digits and * - _ = + | @ . (no ':' or '/', as it is the URL path segment and the Basic-auth user)", id)
	}
	return ""
}

func validateChargerOCPP(errs *fieldErrors, p FieldPath, o *ChargerOCPP, evses []EVSE) {
	if r := StationIDProblem(o.StationID); r != "" {
		if len(o.StationID) > 48 {
			r += "; it defaults to metadata.name, so set it explicitly when the name is longer"
		}
		errs.add(p.Key("stationId"), r)
	}
	checkRef(errs, p.Key("csmsRef"), o.CSMSRef, true)
	checkMaxLen(errs, p.Key("vendorName"), o.VendorName, 50)
	checkMaxLen(errs, p.Key("model"), o.Model, 20)
	checkMaxLen(errs, p.Key("serialNumber"), o.SerialNumber, 25)
	checkMaxLen(errs, p.Key("firmwareVersion"), o.FirmwareVersion, 50)
	seen := map[string]int{}
	for i := range o.Variables {
		v := &o.Variables[i]
		q := p.Key("variables").Index(i)
		validateOCPPVariable(errs, q, v, evses)
		key := v.identity()
		if j, dup := seen[key]; dup {
			errs.add(q, fmt.Sprintf("duplicate of %s (same component, variable and attribute)", p.Key("variables").Index(j)))
		} else {
			seen[key] = i
		}
	}
	if a := o.Authorization; a != nil {
		validateAuthorization(errs, p.Key("authorization"), a)
	}
}

// validateAuthorization: an AutoStart token is Central or NoAuthorization
// (the session is authorized by the operator's declaration, not by a
// reader), and only AutoStart carries one.
func validateAuthorization(errs *fieldErrors, p FieldPath, a *Authorization) {
	checkRequiredEnum(errs, p.Key("mode"), a.Mode, AuthorizationModes)
	t := a.IDToken
	switch {
	case t == nil:
	case a.Mode != AuthAutoStart:
		errs.add(p.Key("idToken"), "only mode AutoStart declares an idToken; the other modes take it from the CSMS or the reader")
	default:
		q := p.Key("idToken")
		checkRequiredEnum(errs, q.Key("type"), t.Type, []string{"Central", "NoAuthorization"})
		if t.Type == "NoAuthorization" {
			checkMaxLen(errs, q.Key("idToken"), t.IDToken, 36)
		} else {
			checkRequiredMaxLen(errs, q.Key("idToken"), t.IDToken, 36)
		}
	}
}

func validateOCPPVariable(errs *fieldErrors, p FieldPath, v *OCPPVariable, evses []EVSE) {
	checkRequiredMaxLen(errs, p.Key("component"), v.Component, 50)
	checkMaxLen(errs, p.Key("instance"), v.Instance, 50)
	checkRequiredMaxLen(errs, p.Key("variable"), v.Variable, 50)
	checkMaxLen(errs, p.Key("variableInstance"), v.VariableInstance, 50)
	checkEnum(errs, p.Key("attribute"), v.Attribute, Attributes)
	checkMaxLen(errs, p.Key("value"), string(v.Value), 1000)
	if v.EVSE == nil {
		return
	}
	q := p.Key("evse")
	e := findEVSE(evses, v.EVSE.ID)
	switch {
	case v.EVSE.ID < 1:
		errs.add(q.Key("id"), fmt.Sprintf("must be at least 1, got %d", v.EVSE.ID))
	case e == nil:
		errs.add(q.Key("id"), fmt.Sprintf("EVSE %d is not declared in spec.evses", v.EVSE.ID))
	case v.EVSE.ConnectorID != 0 && !hasConnector(e, v.EVSE.ConnectorID):
		errs.add(q.Key("connectorId"), fmt.Sprintf("connector %d is not declared on EVSE %d", v.EVSE.ConnectorID, v.EVSE.ID))
	}
	if v.EVSE.ConnectorID < 0 {
		errs.add(q.Key("connectorId"), fmt.Sprintf("must be at least 1, got %d", v.EVSE.ConnectorID))
	}
}

func (v *OCPPVariable) identity() string {
	evse := ""
	if v.EVSE != nil {
		evse = fmt.Sprintf("%d/%d", v.EVSE.ID, v.EVSE.ConnectorID)
	}
	return strings.ToLower(strings.Join([]string{v.Component, v.Instance, evse, v.Variable, v.VariableInstance, v.Attribute}, "\x00"))
}

func findEVSE(evses []EVSE, id int) *EVSE {
	for i := range evses {
		if evses[i].ID == id {
			return &evses[i]
		}
	}
	return nil
}

func hasConnector(e *EVSE, id int) bool {
	for _, c := range e.Connectors {
		if c.ID == id {
			return true
		}
	}
	return false
}

// validateEVSEs checks that EVSE ids, and connector ids within each EVSE, are
// 1..n without gaps or duplicates, as OCPP numbers them.
func validateEVSEs(errs *fieldErrors, p FieldPath, evses []EVSE) {
	ids := make([]int, len(evses))
	for i, e := range evses {
		ids[i] = e.ID
		q := p.Index(i)
		cids := make([]int, len(e.Connectors))
		for j, c := range e.Connectors {
			cids[j] = c.ID
			checkEnum(errs, q.Key("connectors").Index(j).Key("type"), c.Type, ConnectorTypes)
		}
		checkNumbering(errs, q.Key("connectors"), cids, "connector")
	}
	checkNumbering(errs, p, ids, "EVSE")
}

func checkNumbering(errs *fieldErrors, p FieldPath, ids []int, what string) {
	seen := map[int]bool{}
	ok := true
	for i, id := range ids {
		q := p.Index(i).Key("id")
		switch {
		case id < 1:
			errs.add(q, fmt.Sprintf("must be at least 1, got %d", id))
			ok = false
		case seen[id]:
			errs.add(q, fmt.Sprintf("duplicate %s id %d", what, id))
			ok = false
		}
		seen[id] = true
	}
	if !ok {
		return
	}
	for n := 1; n <= len(ids); n++ {
		if !seen[n] {
			errs.add(p, fmt.Sprintf("%s ids must be contiguous from 1: %s id %d is missing", what, what, n))
			return
		}
	}
}

// ParseEOJ parses an ECHONET Lite object code, "0x02A101" or "02A101", into
// its 3 bytes. Instance 0x00 means "all instances" and is not a device.
func ParseEOJ(s string) ([3]byte, error) {
	var eoj [3]byte
	h := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(h) != 6 {
		return eoj, fmt.Errorf("must be 3 bytes of hex such as \"0x02A101\" (class group, class, instance), got %q", s)
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return eoj, fmt.Errorf("must be 3 bytes of hex such as \"0x02A101\" (class group, class, instance), got %q", s)
	}
	eoj = [3]byte{byte(v >> 16), byte(v >> 8), byte(v)}
	if eoj[2] == 0 {
		return eoj, fmt.Errorf("instance code 0x00 addresses all instances; use the device's instance, e.g. 0x%02X%02X01", eoj[0], eoj[1])
	}
	return eoj, nil
}

func validateElectrical(errs *fieldErrors, p FieldPath, e Electrical) {
	checkFloat(errs, p.Key("maxCurrentA"), e.MaxCurrentA, 1, 1000)
	checkFloat(errs, p.Key("minCurrentA"), e.MinCurrentA, 0, e.MaxCurrentA)
	if e.Phases != 1 && e.Phases != 3 {
		errs.add(p.Key("phases"), fmt.Sprintf("must be 1 or 3, got %d", e.Phases))
	}
	checkFloat(errs, p.Key("voltageV"), e.VoltageV, 100, 500)
}

// checkFloat enforces lo <= v <= hi on a finite number.
func checkFloat(errs *fieldErrors, p FieldPath, v, lo, hi float64) {
	if math.IsNaN(v) || v < lo || v > hi {
		errs.add(p, fmt.Sprintf("must be between %g and %g, got %v", lo, hi, v))
	}
}
