package server

import (
	"net/http"
	"strconv"

	"github.com/ocppgw/ocppgw/api/audit"
	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// audited says which requests the audit log keeps: every write and apply,
// every backup (it holds the whole store), and every refusal. Reads are
// not kept: they change nothing, and a watch would flood the log.
func audited(a attributes, code int) bool {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return true
	case a.deferred, a.resource == auth.ResourceBackup:
		return true
	}
	return a.verb == auth.Create || a.verb == auth.Update || a.verb == auth.Delete
}

// recordAudit writes the audit record of r, answered with code, if it is
// one to keep. A failure to write is logged: the request has been served.
func (s *Server) recordAudit(r *http.Request, id auth.Identity, a attributes, code int) {
	if s.audit == nil || !audited(a, code) {
		return
	}
	verb, resource := string(a.verb), a.resource
	if a.deferred {
		verb, resource = "apply", "apply"
	}
	rec := audit.Record{Time: s.now(), User: id.Name, Role: id.Role, Verb: verb, Resource: resource, Kind: a.kind, Name: a.name,
		Method: r.Method, Path: r.URL.RequestURI(), Code: code, Remote: r.RemoteAddr, Objects: audit.Noted(r.Context())}
	if err := s.audit.Write(rec); err != nil {
		s.log.Error("audit record not written", "err", err, "user", id.Name, "path", r.URL.Path)
	}
}

// codeOf is the answer's status code as the request log recorded it.
func codeOf(w http.ResponseWriter) int {
	if rec, ok := w.(*statusRecorder); ok && rec.code != 0 {
		return rec.code
	}
	return http.StatusOK
}

// handleAudit answers the newest audit records, oldest first:
// ?limit= (default 100, at most 10,000) and ?user= filter them.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	limit := 100
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10_000 {
			s.writeStatus(w, r, newStatus(http.StatusBadRequest, v1alpha1.ReasonBadRequest, "limit "+quote(v)+": want 1 to 10000"))
			return
		}
		limit = n
	}
	user := r.URL.Query().Get("user")
	recs, err := s.audit.Recent(limit, func(rec audit.Record) bool { return user == "" || rec.User == user })
	if err != nil {
		s.writeError(w, r, err, "", "")
		return
	}
	if recs == nil {
		recs = []audit.Record{}
	}
	writeJSON(w, http.StatusOK, recs)
}
