package station

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/station/devicemodel"
	"github.com/ocppgw/ocppgw/controllers/station/tx"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
)

// measurandOf names the OCPP measurand a canonical signal provides; the
// *Measurands variables offer exactly what the template can read.
var measurandOf = []struct{ signal, measurand string }{
	{"energyWh", "Energy.Active.Import.Register"},
	{"powerW", "Power.Active.Import"},
	{"currentA1", "Current.Import"},
	{"voltageV1", "Voltage"},
	{"socPercent", "SoC"},
	{"currentLimitA", "Current.Offered"},
}

// inputs are the objects a station's configuration is built from; their
// resource versions tell whether it must be built again.
type inputs struct {
	charger  *v1alpha1.Charger
	spec     v1alpha1.ChargerSpec
	csms     *v1alpha1.CSMS
	secrets  []*v1alpha1.Secret
	template []v1alpha1.ObjectMeta
}

// version identifies the inputs cheaply: a status write of the charger
// (every poll that changed a signal) must not rebuild the configuration.
func (in inputs) version() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d", in.charger.Metadata.Generation)
	metas := []v1alpha1.ObjectMeta{}
	if in.csms != nil {
		metas = append(metas, in.csms.Metadata)
	}
	for _, s := range in.secrets {
		metas = append(metas, s.Metadata)
	}
	for _, m := range append(metas, in.template...) {
		fmt.Fprintf(&b, "/%s:%s", m.Name, m.ResourceVersion)
	}
	return b.String()
}

// resolver builds station configurations from the informer caches.
type resolver struct {
	csmss     *controllers.Lister[v1alpha1.CSMS]
	secrets   *controllers.Lister[v1alpha1.Secret]
	templates *controllers.Lister[v1alpha1.Template]
}

// gather collects the inputs of a charger, or says which is missing.
func (r *resolver) gather(ch *v1alpha1.Charger, passwordRef *v1alpha1.SecretKeyRef) (inputs, error) {
	spec := ch.Spec
	in := inputs{charger: ch, spec: spec}
	csms, ok, err := r.csmss.Get(spec.OCPP.CSMSRef)
	if !ok {
		return in, fmt.Errorf("CSMS %q not found", spec.OCPP.CSMSRef)
	}
	if err != nil {
		return in, err
	}
	in.csms = csms
	for _, name := range secretNames(csms.Spec, passwordRef) {
		sec, ok, err := r.secrets.Get(name)
		if !ok {
			return in, &secretNotFoundError{name}
		}
		if err != nil {
			return in, err
		}
		in.secrets = append(in.secrets, sec)
	}
	// The BootNotification names the template's vendor and model, so the
	// station waits for its template; this also keeps a station from
	// starting, then restarting, when the charger reaches the cache first.
	if _, ok, _ := r.templates.Get(spec.TemplateRef); !ok {
		return in, fmt.Errorf("template %q not found", spec.TemplateRef)
	}
	_, chain, _ := template.Resolve(r.templates, spec.TemplateRef)
	for _, n := range chain {
		if t, ok, _ := r.templates.Get(n); ok {
			in.template = append(in.template, t.Metadata)
		} else if obj, ok := r.templates.Informer().Get(n); ok {
			in.template = append(in.template, obj.Metadata) // one that does not decode counts too
		}
	}
	return in, nil
}

// secretNotFoundError names a Secret the station needs that the cache lacks.
type secretNotFoundError struct{ name string }

func (e *secretNotFoundError) Error() string { return fmt.Sprintf("secret %q not found", e.name) }

func secretNames(cs v1alpha1.CSMSSpec, passwordRef *v1alpha1.SecretKeyRef) []string {
	var names []string
	for _, ref := range []*v1alpha1.SecretKeyRef{cs.BasicAuthPasswordSecretRef, cs.CASecretRef, passwordRef} {
		if ref != nil {
			names = append(names, ref.Name)
		}
	}
	if cs.ClientCertificateSecretRef != nil {
		names = append(names, cs.ClientCertificateSecretRef.Name)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func (r *resolver) secretValue(ref *v1alpha1.SecretKeyRef, key string) (string, error) {
	if ref == nil {
		return "", nil
	}
	sec, ok, err := r.secrets.Get(ref.Name)
	if !ok {
		return "", fmt.Errorf("secret %q not found", ref.Name)
	}
	if err != nil {
		return "", err
	}
	if ref.Key != "" {
		key = ref.Key
	}
	v, ok := sec.Spec.Data[key]
	if !ok {
		return "", fmt.Errorf("secret %q has no key %q", ref.Name, key)
	}
	return v, nil
}

// config builds the station configuration of gathered inputs.
func (r *resolver) config(in inputs, passwordRef *v1alpha1.SecretKeyRef) (Config, error) {
	cs := in.csms.Spec
	o := in.spec.OCPP
	cfg := Config{Charger: in.charger.Metadata.Name, StationID: o.StationID, URL: cs.URL, SecurityProfile: cs.SecurityProfile}
	ref := cs.BasicAuthPasswordSecretRef
	if passwordRef != nil {
		ref = passwordRef // the CSMS set this station's own password (A01)
	}
	var err error
	if cfg.Password, err = r.secretValue(ref, "password"); err != nil {
		return cfg, fmt.Errorf("basic-auth password: %w", err)
	}
	if cs.SecurityProfile >= 2 {
		if err := r.tlsInputs(&cfg, cs); err != nil {
			return cfg, err
		}
	}
	tpl, _, _ := template.Resolve(r.templates, in.spec.TemplateRef)
	cfg.Boot = ocpp.ChargingStationType{
		VendorName: truncate(firstOf(o.VendorName, tpl.Manufacturer, "unknown"), 50), Model: truncate(firstOf(o.Model, tpl.Model, "unknown"), 20),
		SerialNumber: truncate(o.SerialNumber, 25), FirmwareVersion: truncate(o.FirmwareVersion, 50),
	}
	cfg.Layout = devicemodel.Layout{SecurityProfile: cs.SecurityProfile}
	cfg.Limits = limitConfig(tpl, in.spec.Supply())
	cfg.Layout.SmartCharging = cfg.Limits.Command != ""
	for _, e := range in.spec.EVSEs {
		el := devicemodel.EVSELayout{ID: e.ID, Phases: cfg.Limits.Supply.Phases,
			MaxPowerW: cfg.Limits.Supply.MaxCurrentA * cfg.Limits.Supply.VoltageV * float64(cfg.Limits.Supply.Phases)}
		for _, c := range e.Connectors {
			el.Connectors = append(el.Connectors, devicemodel.ConnectorLayout{ID: c.ID, Type: c.Type})
		}
		cfg.Layout.EVSEs = append(cfg.Layout.EVSEs, el)
	}
	for _, m := range measurandOf {
		if _, ok := tpl.Signals[m.signal]; ok {
			cfg.Layout.Measurands = append(cfg.Layout.Measurands, m.measurand)
		}
	}
	_, cfg.Reader = tpl.Signals["idToken"]
	cfg.Layout.TxPoints, cfg.Layout.TxStartPoint, cfg.Layout.TxStopPoint = txPoints(tpl.Signals)
	cfg.Auth = authConfig(o.Authorization, cfg.Reader)
	cfg.Variables = append(csmsVariables(cs), o.Variables...)
	h := fnv.New64a()
	h.Write([]byte(cfg.StationID))
	cfg.Seed = h.Sum64()
	return cfg, nil
}

// limitConfig finds the template's limit command; a current limit is
// preferred, since profiles and site shares are per-phase currents.
func limitConfig(tpl v1alpha1.TemplateSpec, supply v1alpha1.Electrical) LimitConfig {
	lc := LimitConfig{Supply: supply}
	for _, name := range []string{"setCurrentLimit", "setPowerLimit"} {
		if _, ok := tpl.Commands[name]; ok && lc.Command == "" {
			lc.Command = name
		}
	}
	_, lc.Readback = tpl.Signals["currentLimitA"]
	return lc
}

func (r *resolver) tlsInputs(cfg *Config, cs v1alpha1.CSMSSpec) error {
	cfg.RootCAs = cs.CABundle
	if cs.CASecretRef != nil {
		ca, err := r.secretValue(cs.CASecretRef, "ca.crt")
		if err != nil {
			return fmt.Errorf("CSMS root certificate: %w", err)
		}
		cfg.RootCAs = ca
	}
	if cs.SecurityProfile == 3 && cs.ClientCertificateSecretRef != nil {
		ref := &v1alpha1.SecretKeyRef{Name: cs.ClientCertificateSecretRef.Name}
		crt, err := r.secretValue(ref, "tls.crt")
		if err != nil {
			return fmt.Errorf("station certificate: %w", err)
		}
		key, err := r.secretValue(ref, "tls.key")
		if err != nil {
			return fmt.Errorf("station certificate: %w", err)
		}
		cfg.ClientCert, cfg.ClientKey = crt, key
	}
	cfg.TLSKey = digest(cfg.RootCAs, cfg.ClientCert, cfg.ClientKey)
	return nil
}

// csmsVariables are the device-model values the CSMS resource declares:
// initial values, which the CSMS may override through SetVariables.
func csmsVariables(cs v1alpha1.CSMSSpec) []v1alpha1.OCPPVariable {
	secs := func(d v1alpha1.Duration) v1alpha1.AttributeValue {
		return v1alpha1.AttributeValue(strconv.Itoa(int(d.Duration().Seconds())))
	}
	comm := func(name, instance string, v v1alpha1.AttributeValue) v1alpha1.OCPPVariable {
		return v1alpha1.OCPPVariable{Component: "OCPPCommCtrlr", Variable: name, VariableInstance: instance, Value: v}
	}
	vars := []v1alpha1.OCPPVariable{
		comm("MessageTimeout", "Default", secs(cs.MessageTimeout)),
		comm("WebSocketPingInterval", "", secs(cs.PingInterval)),
		comm("RetryBackOffWaitMinimum", "", secs(cs.RetryBackOff.WaitMinimum)),
		comm("RetryBackOffRandomRange", "", secs(cs.RetryBackOff.RandomRange)),
		{Component: "SecurityCtrlr", Variable: "AllowCSMSTLSWildcards", Value: v1alpha1.AttributeValue(strconv.FormatBool(cs.AllowWildcards))},
	}
	if cs.RetryBackOff.RepeatTimes != nil {
		vars = append(vars, comm("RetryBackOffRepeatTimes", "", v1alpha1.AttributeValue(strconv.Itoa(*cs.RetryBackOff.RepeatTimes))))
	}
	return vars
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// txPoints are the TxStartPoint/TxStopPoint values a template's signals can
// observe, and the defaults: a session starts at EVConnected or Authorized,
// whichever comes first (a charger without a reader must start one at
// plug-in or at a remote start), and ends when either no longer holds.
func txPoints(signals map[string]string) (points []string, start, stop string) {
	has := func(name string) bool { _, ok := signals[name]; return ok }
	if has("evConnected") {
		points = append(points, string(tx.EVConnected))
	}
	points = append(points, string(tx.Authorized))
	if has("charging") {
		points = append(points, string(tx.PowerPathClosed))
	}
	if has("charging") || has("powerW") {
		points = append(points, string(tx.EnergyTransfer))
	}
	def := string(tx.Authorized)
	if has("evConnected") {
		def = string(tx.EVConnected) + "," + def
	}
	return points, def, def
}

// authConfig resolves a charger's authorization mode: when it is not
// declared, a template that maps idToken has a reader, else the CSMS
// authorizes. An AutoStart without a token uses an empty NoAuthorization one.
func authConfig(a *v1alpha1.Authorization, reader bool) AuthConfig {
	c := AuthConfig{Mode: v1alpha1.AuthCSMS}
	if reader {
		c.Mode = v1alpha1.AuthLocalReader
	}
	if a == nil {
		return c
	}
	c.Mode = a.Mode
	if a.Mode == v1alpha1.AuthAutoStart {
		c.Token = ocpp.IdTokenType{Type: ocpp.IdTokenNoAuthorization}
		if a.IDToken != nil {
			c.Token = ocpp.IdTokenType{IDToken: a.IDToken.IDToken, Type: ocpp.IdTokenEnumType(a.IDToken.Type)}
		}
	}
	return c
}
