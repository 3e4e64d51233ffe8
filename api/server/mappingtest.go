package server

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// handleMappingTest reads a charger's device once through its mapping
// (`gwctl mapping test`). A charger that does not exist is 404; one whose
// device cannot be read now is 503, with the driver's reason.
func (s *Server) handleMappingTest(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.mapping == nil {
		s.writeStatus(w, r, newStatus(http.StatusNotFound, v1alpha1.ReasonNotFound, "this gateway runs no device controller"))
		return
	}
	if _, err := s.store.Get("Charger", name); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.writeStatus(w, r, newStatus(http.StatusNotFound, v1alpha1.ReasonNotFound, "chargers "+quote(name)+" not found"))
			return
		}
		s.writeError(w, r, err, "Charger", name)
		return
	}
	res, err := s.mapping(r.Context(), name)
	if err != nil {
		s.writeStatus(w, r, newStatus(http.StatusServiceUnavailable, v1alpha1.ReasonUnavailable, err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// ErrInvalidInput marks an error of the device side that is the request's
// fault (an unknown template, a bad connection): it is answered 422.
var ErrInvalidInput = errors.New("invalid input")

// maxMappingTestBody bounds a mapping test request.
const maxMappingTestBody = 64 << 10

// handleTryTemplate reads a device no Charger describes yet through a
// template (`gwctl mapping test --template`).
func (s *Server) handleTryTemplate(w http.ResponseWriter, r *http.Request) {
	if s.tryTemplate == nil {
		s.writeStatus(w, r, newStatus(http.StatusNotFound, v1alpha1.ReasonNotFound, "this gateway runs no device controller"))
		return
	}
	var req v1alpha1.MappingTestRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, maxMappingTestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.writeStatus(w, r, newStatus(http.StatusBadRequest, v1alpha1.ReasonBadRequest, "mapping test body: "+err.Error()))
		return
	}
	res, err := s.tryTemplate(r.Context(), req)
	switch {
	case errors.Is(err, ErrInvalidInput):
		s.writeStatus(w, r, newStatus(http.StatusUnprocessableEntity, v1alpha1.ReasonInvalid, err.Error()))
	case err != nil:
		s.writeStatus(w, r, newStatus(http.StatusServiceUnavailable, v1alpha1.ReasonUnavailable, err.Error()))
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

// handleDiscover runs a discovery (`gwctl discover modbus|echonet`): the
// gateway scans from where it sits, with the drivers it already runs.
func (s *Server) handleDiscover(w http.ResponseWriter, r *http.Request) {
	protocol := r.PathValue("protocol")
	if s.discover == nil {
		s.writeStatus(w, r, newStatus(http.StatusNotFound, v1alpha1.ReasonNotFound, "this gateway runs no device controller"))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxMappingTestBody))
	if err != nil {
		s.writeStatus(w, r, newStatus(http.StatusBadRequest, v1alpha1.ReasonBadRequest, "discover body: "+err.Error()))
		return
	}
	res, err := s.discover(r.Context(), protocol, body)
	switch {
	case errors.Is(err, ErrInvalidInput):
		s.writeStatus(w, r, newStatus(http.StatusUnprocessableEntity, v1alpha1.ReasonInvalid, err.Error()))
	case err != nil:
		s.writeStatus(w, r, newStatus(http.StatusServiceUnavailable, v1alpha1.ReasonUnavailable, err.Error()))
	default:
		writeJSON(w, http.StatusOK, res)
	}
}
