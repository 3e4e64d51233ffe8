package server

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/api/audit"
	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Every request but a health check is authenticated by a bearer token and
// authorized by the token's role (api/auth), before any handler runs and
// whichever address it came from: loopback is no proof of who is calling.
// An apply is authorized per document, once its body is read.

// publicPaths answer without a token: a probe has none.
var publicPaths = map[string]bool{"/healthz": true, "/readyz": true}

// systemTokenName is the identity of gwd's own in-process clients.
const systemTokenName = "system:gwd"

// attributes are what a request does, for the authorizer.
type attributes struct {
	verb     auth.Verb
	resource string // a kind, "Kind/sub" or another auth.Resource*
	kind     string // for the Status: the kind, when there is one
	name     string
	// deferred: the handler authorizes (apply); pass: the request reaches
	// only an error answer (404, 405) and needs no authorization.
	deferred, pass bool
}

// guard authenticates and authorizes every request before next.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if publicPaths[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		r = r.WithContext(audit.WithNotes(r.Context()))
		_, pattern := s.mux.Handler(r)
		a := requestAttributes(pattern, r)
		id, err := s.authenticate(r)
		if err != nil {
			// RFC 6750: a 401 says how to authenticate.
			w.Header().Set("WWW-Authenticate", `Bearer realm="ocppgw"`)
			s.writeStatus(w, r, newStatus(http.StatusUnauthorized, v1alpha1.ReasonUnauthorized,
				strings.TrimPrefix(err.Error(), "auth: ")+"; send \"Authorization: Bearer <token>\" (gwctl reads it from gwctl.yaml)"))
			s.recordAudit(r, auth.Identity{}, a, http.StatusUnauthorized)
			return
		}
		if rec, ok := w.(*statusRecorder); ok {
			rec.who = id.Name // for the request log: who, never the token
		}
		r = r.WithContext(auth.WithIdentity(r.Context(), id))
		if !a.deferred && !a.pass {
			if st, ok := forbidden(id, a); !ok {
				s.writeStatus(w, r, st)
				s.recordAudit(r, id, a, http.StatusForbidden)
				return
			}
		}
		next.ServeHTTP(w, r)
		s.recordAudit(r, id, a, codeOf(w))
	})
}

// authenticate returns who sent r: gwd itself or a stored Token.
func (s *Server) authenticate(r *http.Request) (auth.Identity, error) {
	h := r.Header.Get("Authorization")
	scheme, tok, _ := strings.Cut(h, " ")
	if h == "" || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return auth.Identity{}, auth.ErrNoToken
	}
	tok = strings.TrimSpace(tok)
	if s.systemToken != "" {
		if id, err := auth.Authenticate(s.systemTokens, tok, time.Now()); err == nil {
			return id, nil
		}
	}
	tokens, _ := s.store.List(v1alpha1.KindToken)
	return auth.Authenticate(tokens, tok, time.Now())
}

// forbidden returns the 403 for a request its identity may not make, and
// false; or true when it may.
func forbidden(id auth.Identity, a attributes) (v1alpha1.APIStatus, bool) {
	if auth.Allowed(id.Role, a.verb, a.resource) {
		return v1alpha1.APIStatus{}, true
	}
	return forbiddenStatus(id, string(a.verb), a), false
}

// forbiddenStatus words the 403 as the Kubernetes API server does: what is
// forbidden, then who may not do which verb to it.
func forbiddenStatus(id auth.Identity, verbs string, a attributes) v1alpha1.APIStatus {
	what := a.resource
	if a.kind != "" && a.kind == a.resource {
		what = a.kind + " objects"
	}
	subject := what
	if a.name != "" {
		subject = a.kind + " " + quote(a.name)
	}
	st := newStatus(http.StatusForbidden, v1alpha1.ReasonForbidden, subject+" is forbidden: token "+quote(id.Name)+
		" with role "+quote(id.Role)+" cannot "+verbs+" "+what)
	st.Details = &v1alpha1.StatusDetails{Kind: a.kind, Name: a.name}
	return st
}

// authorizeObject is the 403 for one object of a kind, as an error for the
// handlers, naming every verb refused; nil when all are allowed.
func authorizeObject(r *http.Request, kind, name string, verbs ...auth.Verb) error {
	id, _ := auth.IdentityFrom(r.Context())
	var refused []string
	for _, v := range verbs {
		if !auth.Allowed(id.Role, v, kind) {
			refused = append(refused, string(v))
		}
	}
	if len(refused) == 0 {
		return nil
	}
	return &apiError{forbiddenStatus(id, strings.Join(refused, " or "), attributes{resource: kind, kind: kind, name: name})}
}

// requestAttributes maps the route a request reached (its mux pattern) to
// a verb and a resource. A route this does not know is for admins only, so
// a route added without a line here is closed rather than open.
func requestAttributes(pattern string, r *http.Request) attributes {
	method, path, _ := strings.Cut(pattern, " ")
	if path == "" { // a method-less pattern: the 404 and 405 answers
		return attributes{pass: true}
	}
	seg := strings.Split(strings.TrimPrefix(r.URL.Path, prefix+"/"), "/")
	switch path {
	case "/version":
		return attributes{verb: auth.Get, resource: auth.ResourceVersion}
	case "/metrics":
		return attributes{verb: auth.Get, resource: auth.ResourceMetrics}
	case prefix + "/backup":
		return attributes{verb: auth.Get, resource: auth.ResourceBackup}
	case "/debug/audit":
		return attributes{verb: auth.Get, resource: auth.ResourceAudit}
	case "/debug/loglevels":
		return attributes{verb: auth.Get, resource: auth.ResourceLogLevels}
	case "/debug/loglevels/{component...}":
		verb := auth.Update
		if method == http.MethodDelete {
			verb = auth.Delete
		}
		return attributes{verb: verb, resource: auth.ResourceLogLevels}
	case prefix, prefix + "/{$}":
		return attributes{verb: auth.Get, resource: auth.ResourceDiscovery}
	case prefix + "/apply":
		return attributes{deferred: true}
	case prefix + "/mappingtest":
		return attributes{verb: auth.Create, resource: auth.ResourceTryTemplate}
	case prefix + "/discover/{protocol}":
		return attributes{verb: auth.Create, resource: auth.ResourceDiscover}
	case prefix + "/chargers/{name}/mappingtest":
		return attributes{verb: auth.Get, resource: auth.ResourceMapping, kind: v1alpha1.KindCharger, name: seg[1]}
	case prefix + "/chargers/{name}/command":
		return attributes{verb: auth.Create, resource: auth.ResourceCommand, kind: v1alpha1.KindCharger, name: seg[1]}
	case prefix + "/{plural}", prefix + "/{plural}/{name}", prefix + "/{plural}/{name}/status":
		return objectAttributes(method, seg, r)
	}
	return attributes{verb: auth.Verb(strings.ToLower(r.Method)), resource: r.URL.Path}
}

// objectAttributes maps a request on a kind's collection, one object or its
// status. An unknown kind passes on to its 404.
func objectAttributes(method string, seg []string, r *http.Request) attributes {
	k, ok := v1alpha1.LookupKind(seg[0])
	if !ok || k.Plural != seg[0] {
		return attributes{pass: true}
	}
	a := attributes{resource: k.Kind, kind: k.Kind}
	if len(seg) > 1 {
		a.name = seg[1]
	}
	switch {
	case len(seg) == 1 && method == http.MethodGet:
		a.verb = auth.List
		if watch, err := boolParam(r, "watch"); err == nil && watch {
			a.verb = auth.Watch
		}
	case method == http.MethodGet:
		a.verb = auth.Get
	case method == http.MethodPost:
		a.verb = auth.Create
	case method == http.MethodDelete:
		a.verb = auth.Delete
	case len(seg) == 3:
		a.verb, a.resource = auth.Update, auth.StatusResource(k.Kind)
	default:
		a.verb = auth.Update
	}
	return a
}

// authorizeSecretRefs refuses an object that names an object of a sealed
// kind (a Secret) unless the caller's role may write that kind: whoever
// points an object at a Secret makes gwd send its value somewhere (a CSMS's
// password to its URL), which is reading it by other means. Secret values
// are redacted for every role, so writing them is the right that counts.
func authorizeSecretRefs(r *http.Request, obj *v1alpha1.Object) error {
	id, _ := auth.IdentityFrom(r.Context())
	for _, ref := range v1alpha1.References(obj) {
		reg, ok := v1alpha1.DefaultScheme().ByKind(ref.Kind)
		if !ok || !reg.Sealed || auth.Allowed(id.Role, auth.Update, ref.Kind) {
			continue
		}
		st := newStatus(http.StatusForbidden, v1alpha1.ReasonForbidden, fmt.Sprintf(
			"%s %q is forbidden: token %q with role %q cannot refer to %s %q (%s): only a role that may write %s objects may make gwd use one",
			obj.Kind, obj.Metadata.Name, id.Name, id.Role, ref.Kind, ref.Name, ref.Field, ref.Kind))
		st.Details = &v1alpha1.StatusDetails{Kind: obj.Kind, Name: obj.Metadata.Name}
		return &apiError{st}
	}
	return nil
}
