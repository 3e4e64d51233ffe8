package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// Reasons for codes v1alpha1 does not name.
const (
	reasonMethodNotAllowed v1alpha1.StatusReason = "MethodNotAllowed"
	reasonTooLarge         v1alpha1.StatusReason = "RequestEntityTooLarge"
	reasonNoSpace          v1alpha1.StatusReason = "InsufficientStorage"
)

// causeLimitExceeded is the cause type of a manifest limit hit; the cause's
// field names the limit, e.g. maxDepth.
const causeLimitExceeded = "LimitExceeded"

// maxMessageCauses is how many causes an Invalid message spells out; the
// rest are in details.causes.
const maxMessageCauses = 5

// apiError is a failure a handler detects itself and has already worded.
type apiError struct{ status v1alpha1.APIStatus }

func (e *apiError) Error() string { return e.status.Message }

func newStatus(code int, reason v1alpha1.StatusReason, msg string) v1alpha1.APIStatus {
	return v1alpha1.APIStatus{APIVersion: "v1", Kind: "Status", Status: "Failure", Message: msg, Reason: reason, Code: code}
}

func badRequest(format string, args ...any) error {
	return &apiError{newStatus(http.StatusBadRequest, v1alpha1.ReasonBadRequest, fmt.Sprintf(format, args...))}
}

func quote(s string) string { return strconv.Quote(s) }

// statusFor is the one place where errors become API answers: store
// sentinels, validation errors and the handlers' own errors. kind and name
// say what the request was about; they may be empty.
func statusFor(err error, kind, name string) v1alpha1.APIStatus {
	var (
		ae  *apiError
		me  *manifest.Errors
		ve  *v1alpha1.ValidationError
		mbe *http.MaxBytesError
		le  *manifest.LimitError
		ee  *manifest.EncodingError
	)
	var st v1alpha1.APIStatus
	switch {
	case errors.As(err, &ae):
		return ae.status
	case errors.As(err, &me):
		return invalidStatus(me.Items)
	case errors.As(err, &ve):
		return invalidStatus([]*v1alpha1.ValidationError{ve})
	case errors.As(err, &le):
		return limitStatus(le)
	case errors.As(err, &ee):
		return newStatus(http.StatusBadRequest, v1alpha1.ReasonBadRequest, "the request body is not valid UTF-8: "+ee.Error())
	case errors.As(err, &mbe):
		return newStatus(http.StatusRequestEntityTooLarge, reasonTooLarge,
			fmt.Sprintf("request body is larger than %d bytes; split the manifest", mbe.Limit))
	case errors.Is(err, store.ErrNotFound):
		st = newStatus(http.StatusNotFound, v1alpha1.ReasonNotFound, about(err, kind, name, "not found"))
	case errors.Is(err, store.ErrExists):
		st = newStatus(http.StatusConflict, v1alpha1.ReasonAlreadyExists, about(err, kind, name, "already exists"))
	case errors.Is(err, store.ErrConflict):
		st = newStatus(http.StatusConflict, v1alpha1.ReasonConflict, store.Detail(err))
	case errors.Is(err, store.ErrCompacted):
		st = newStatus(http.StatusGone, v1alpha1.ReasonGone,
			"too old resource version: "+store.Detail(err)+"; list again and watch from the list's resourceVersion")
	case errors.Is(err, store.ErrInvalid):
		st = newStatus(http.StatusUnprocessableEntity, v1alpha1.ReasonInvalid, store.Detail(err))
	case errors.Is(err, store.ErrClosed):
		st = newStatus(http.StatusServiceUnavailable, v1alpha1.ReasonUnavailable, "the store is closed; the gateway is shutting down")
	case errors.Is(err, store.ErrNoSpace):
		// etcd's NOSPACE alarm: writes stop, deletes and compaction go on.
		st = newStatus(http.StatusInsufficientStorage, reasonNoSpace, err.Error()+"; delete objects or raise --store-quota")
	case errors.Is(err, store.ErrCorrupt):
		st = newStatus(http.StatusServiceUnavailable, v1alpha1.ReasonUnavailable, err.Error())
	default:
		st = newStatus(http.StatusInternalServerError, v1alpha1.ReasonInternalError, "internal error: "+err.Error())
	}
	if kind != "" || name != "" {
		st.Details = &v1alpha1.StatusDetails{Kind: kind, Name: name}
	}
	return st
}

// limitStatus is the 413 for a manifest over one of the decoding limits,
// as the Kubernetes API server answers a body that is too large; the cause
// names the limit.
func limitStatus(le *manifest.LimitError) v1alpha1.APIStatus {
	st := newStatus(http.StatusRequestEntityTooLarge, reasonTooLarge, "the request body exceeds a manifest limit: "+le.Error())
	st.Details = &v1alpha1.StatusDetails{Causes: []v1alpha1.StatusCause{{
		Type: causeLimitExceeded, Field: le.Limit, Document: le.Document, Message: le.Error()}}}
	return st
}

// about words "Kind \"name\" what", or the store's own words when the
// request named no object.
func about(err error, kind, name, what string) string {
	if kind == "" || name == "" {
		return store.Detail(err) + ": " + what
	}
	return fmt.Sprintf("%s %q %s", kind, name, what)
}

// invalidStatus is the 422 for one or more invalid documents. Each field
// problem is one cause whose message says where it is; the top message
// lists the first few so a person reading only it still knows what to fix.
func invalidStatus(items []*v1alpha1.ValidationError) v1alpha1.APIStatus {
	var causes []v1alpha1.StatusCause
	for _, ve := range items {
		for _, fe := range ve.Errors {
			one := *ve
			one.Errors = []v1alpha1.FieldError{fe}
			causes = append(causes, v1alpha1.StatusCause{
				Type: "FieldValueInvalid", Field: fe.Field, Document: ve.Document, Message: one.Error(),
			})
		}
	}
	code, reason := http.StatusUnprocessableEntity, v1alpha1.ReasonInvalid
	if allSyntax(items) {
		code, reason = http.StatusBadRequest, v1alpha1.ReasonBadRequest
	}
	head, lines := fmt.Sprintf("%d documents are invalid", len(items)), make([]string, len(causes))
	for i, c := range causes {
		lines[i] = c.Message
	}
	switch {
	case len(items) == 1 && items[0].Document == 0:
		// One object of a POST or PUT: say which once, then the fields.
		head = "the object is invalid"
		if ve := items[0]; ve.Kind != "" || ve.Name != "" {
			head = fmt.Sprintf("%s %q is invalid", ve.Kind, ve.Name)
		}
		for i, fe := range items[0].Errors {
			lines[i] = fe.String()
		}
	case len(items) == 1:
		head = "1 document is invalid"
	}
	if len(lines) > maxMessageCauses {
		lines = append(lines[:maxMessageCauses], fmt.Sprintf("and %d more", len(lines)-maxMessageCauses))
	}
	st := newStatus(code, reason, head+": "+strings.Join(lines, "; "))
	st.Details = &v1alpha1.StatusDetails{Causes: causes}
	if len(items) == 1 {
		st.Details.Kind, st.Details.Name = items[0].Kind, items[0].Name
	}
	return st
}

// allSyntax reports whether every problem is a document that does not parse
// at all, which is a bad request rather than an invalid object.
func allSyntax(items []*v1alpha1.ValidationError) bool {
	for _, ve := range items {
		for _, fe := range ve.Errors {
			if fe.Field != "" || !(strings.HasPrefix(fe.Reason, "invalid YAML") || strings.HasPrefix(fe.Reason, "invalid JSON")) {
				return false
			}
		}
	}
	return len(items) > 0
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error, kind, name string) {
	st := statusFor(err, kind, name)
	if st.Code >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.writeStatus(w, r, st)
}

func (s *Server) writeStatus(w http.ResponseWriter, _ *http.Request, st v1alpha1.APIStatus) {
	writeJSON(w, st.Code, st)
}
