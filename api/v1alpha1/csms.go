package v1alpha1

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/url"
	"time"
)

// CSMS is one OCPP 2.0.1 Charging Station Management System endpoint, shared
// by every charger whose spec.ocpp.csmsRef names it.
type CSMS struct {
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Metadata   ObjectMeta `json:"metadata"`
	Spec       CSMSSpec   `json:"spec"`
	Status     CSMSStatus `json:"status"`
}

// CSMSSpec is how stations reach the CSMS and how they secure the connection.
type CSMSSpec struct {
	// URL is the ws:// or wss:// endpoint; each station appends "/<stationId>".
	URL string `json:"url" schema:"is=wsURL"`
	// SecurityProfile is 1 (Basic auth over ws), 2 (TLS + Basic auth) or
	// 3 (mutual TLS). Default 1. Profiles 2 and 3 need a wss:// URL.
	SecurityProfile int `json:"securityProfile,omitempty" schema:"enum=securityProfile"`
	// CABundle is PEM with the CSMS root certificates; alternatively CASecretRef.
	CABundle string `json:"caBundle,omitempty"`
	// CASecretRef names a Secret key holding the PEM bundle (key default "ca.crt").
	CASecretRef *SecretKeyRef `json:"caSecretRef,omitempty"`
	// ClientCertificateSecretRef names a tls Secret (tls.crt, tls.key); profile 3 only.
	ClientCertificateSecretRef *SecretRef `json:"clientCertificateSecretRef,omitempty"`
	// BasicAuthPasswordSecretRef names the Basic-auth password (key default
	// "password"); profiles 1 and 2.
	BasicAuthPasswordSecretRef *SecretKeyRef `json:"basicAuthPasswordSecretRef,omitempty"`
	// AllowWildcards accepts a wildcard CSMS certificate
	// (SecurityCtrlr.AllowCSMSTLSWildcards).
	AllowWildcards bool `json:"allowWildcards,omitempty"`
	// MessageTimeout bounds the wait for a CALLRESULT. Default "30s".
	MessageTimeout Duration `json:"messageTimeout,omitempty"`
	// PingInterval is the WebSocket ping period; "0s" disables pings. Default "30s".
	PingInterval Duration `json:"pingInterval,omitempty"`
	// RetryBackOff is the reconnect back-off of OCPP Part 4 §5.3.
	RetryBackOff RetryBackOff `json:"retryBackOff" schema:"optional"`
}

// RetryBackOff holds the RetryBackOff* variables of OCPPCommCtrlr.
type RetryBackOff struct {
	// WaitMinimum is the first wait. Default "10s".
	WaitMinimum Duration `json:"waitMinimum,omitempty"`
	// RandomRange is the maximum random extra wait. Default "10s".
	RandomRange Duration `json:"randomRange,omitempty"`
	// RepeatTimes is how often the wait doubles. Default 5; never nil once admitted.
	RepeatTimes *int `json:"repeatTimes,omitempty" schema:"minimum=0,maximum=20"`
}

// SecretKeyRef names one key of a Secret.
type SecretKeyRef struct {
	Name string `json:"name" schema:"is=name"`
	// Key defaults by use: "ca.crt" for caSecretRef, "password" for
	// basicAuthPasswordSecretRef.
	Key string `json:"key,omitempty" schema:"is=secretKey"`
}

// SecretRef names a whole Secret.
type SecretRef struct {
	Name string `json:"name" schema:"is=name"`
}

// CSMSStatus is observed by the station controller.
type CSMSStatus struct {
	CommonStatus
}

// SetDefaults fills what the operator left out.
func (s *CSMSSpec) SetDefaults(*ObjectMeta) {
	defaultInt(&s.SecurityProfile, 1)
	if s.CASecretRef != nil {
		defaultString(&s.CASecretRef.Key, "ca.crt")
	}
	if s.BasicAuthPasswordSecretRef != nil {
		defaultString(&s.BasicAuthPasswordSecretRef.Key, "password")
	}
	defaultDuration(&s.MessageTimeout, "30s")
	defaultDuration(&s.PingInterval, "30s")
	defaultDuration(&s.RetryBackOff.WaitMinimum, "10s")
	defaultDuration(&s.RetryBackOff.RandomRange, "10s")
	defaultIntPtr(&s.RetryBackOff.RepeatTimes, 5)
}

// Validate returns every problem with a defaulted spec.
func (s *CSMSSpec) Validate(*ObjectMeta) []FieldError {
	var errs fieldErrors
	p := FieldPath("spec")
	scheme := validateCSMSURL(&errs, p.Key("url"), s.URL)
	checkRange(&errs, p.Key("securityProfile"), s.SecurityProfile, 1, 3)
	if s.SecurityProfile >= 2 && scheme == "ws" {
		errs.add(p.Key("url"), fmt.Sprintf("securityProfile %d needs a wss:// URL", s.SecurityProfile))
	}
	if s.SecurityProfile == 1 && scheme == "wss" {
		errs.add(p.Key("url"), "securityProfile 1 is Basic auth without TLS and needs a ws:// URL; use securityProfile 2 for wss://")
	}
	if s.CABundle != "" && s.CASecretRef != nil {
		errs.add(p.Key("caSecretRef"), "set either caBundle or caSecretRef, not both")
	}
	if (s.CABundle != "" || s.CASecretRef != nil) && scheme == "ws" {
		errs.add(p.Key("url"), "a CA bundle is only used with a wss:// URL")
	}
	if s.CABundle != "" {
		if r := pemBundleProblem(s.CABundle); r != "" {
			errs.add(p.Key("caBundle"), r)
		}
	}
	checkSecretKeyRef(&errs, p.Key("caSecretRef"), s.CASecretRef)
	checkSecretKeyRef(&errs, p.Key("basicAuthPasswordSecretRef"), s.BasicAuthPasswordSecretRef)
	switch {
	case s.SecurityProfile == 3 && s.ClientCertificateSecretRef == nil:
		errs.add(p.Key("clientCertificateSecretRef"), "required with securityProfile 3 (mutual TLS)")
	case s.SecurityProfile != 3 && s.ClientCertificateSecretRef != nil:
		errs.add(p.Key("clientCertificateSecretRef"), "only used with securityProfile 3")
	case s.ClientCertificateSecretRef != nil:
		checkRef(&errs, p.Key("clientCertificateSecretRef").Key("name"), s.ClientCertificateSecretRef.Name, true)
	}
	if s.SecurityProfile == 3 && s.BasicAuthPasswordSecretRef != nil {
		errs.add(p.Key("basicAuthPasswordSecretRef"), "not used with securityProfile 3, which authenticates by client certificate")
	}
	checkDuration(&errs, p.Key("messageTimeout"), s.MessageTimeout, time.Second)
	checkDuration(&errs, p.Key("pingInterval"), s.PingInterval, 0)
	q := p.Key("retryBackOff")
	checkDuration(&errs, q.Key("waitMinimum"), s.RetryBackOff.WaitMinimum, 0)
	checkDuration(&errs, q.Key("randomRange"), s.RetryBackOff.RandomRange, 0)
	if s.RetryBackOff.RepeatTimes != nil {
		checkRange(&errs, q.Key("repeatTimes"), *s.RetryBackOff.RepeatTimes, 0, 20)
	}
	return errs
}

// validateCSMSURL checks the endpoint and returns its scheme ("" if unusable).
func validateCSMSURL(errs *fieldErrors, p FieldPath, raw string) string {
	if raw == "" {
		errs.add(p, missing(p))
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		errs.add(p, fmt.Sprintf("invalid URL %q", raw))
		return ""
	}
	switch {
	case u.Scheme != "ws" && u.Scheme != "wss":
		errs.add(p, fmt.Sprintf("must be a ws:// or wss:// URL, got %q", raw))
		return ""
	case u.Host == "" || u.Hostname() == "":
		errs.add(p, fmt.Sprintf("must name a host, got %q", raw))
	case u.User != nil:
		errs.add(p, "must not carry credentials; use basicAuthPasswordSecretRef")
	case u.RawQuery != "" || u.Fragment != "":
		errs.add(p, "must not have a query or fragment, since each station appends /<stationId>")
	}
	return u.Scheme
}

func checkSecretKeyRef(errs *fieldErrors, p FieldPath, r *SecretKeyRef) {
	if r == nil {
		return
	}
	checkRef(errs, p.Key("name"), r.Name, true)
	if r.Key != "" && !secretKeyRE.MatchString(r.Key) {
		errs.add(p.Key("key"), fmt.Sprintf("must be letters, digits, '-', '_' or '.', got %q", r.Key))
	}
}

// pemBundleProblem checks that s is PEM holding at least one certificate and
// nothing that is not one.
func pemBundleProblem(s string) string {
	rest := []byte(s)
	n := 0
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return fmt.Sprintf("PEM block %d is %q, want CERTIFICATE", n+1, b.Type)
		}
		if _, err := x509.ParseCertificate(b.Bytes); err != nil {
			return fmt.Sprintf("certificate %d does not parse: %v", n+1, err)
		}
		n++
	}
	if n == 0 {
		return "must be PEM with at least one CERTIFICATE block"
	}
	return ""
}
