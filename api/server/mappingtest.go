package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// The device endpoints: a mapping test, a command, a template tried on a
// connection, a discovery. Each reaches the devices through the charger
// controller, so they answer 404 when gwd runs none.

// ErrInvalidInput marks an error of the device side that is the request's
// fault (an unknown template, a bad connection): it is answered 422.
var ErrInvalidInput = errors.New("invalid input")

// maxDeviceBody bounds the body of a device request; the real ones are small.
const maxDeviceBody = 64 << 10

// noDevices answers 404: the device side is not there.
func (s *Server) noDevices(w http.ResponseWriter, r *http.Request) {
	s.writeStatus(w, r, newStatus(http.StatusNotFound, v1alpha1.ReasonNotFound, "this gateway runs no device controller"))
}

// chargerMissing answers 404 for a charger that does not exist.
func (s *Server) chargerMissing(w http.ResponseWriter, r *http.Request, name string) bool {
	_, err := s.store.Get(v1alpha1.KindCharger, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.writeStatus(w, r, newStatus(http.StatusNotFound, v1alpha1.ReasonNotFound, "chargers "+quote(name)+" not found"))
	case err != nil:
		s.writeError(w, r, err, v1alpha1.KindCharger, name)
	default:
		return false
	}
	return true
}

// decodeSmall reads a small JSON body strictly, answering 400 when it cannot.
func (s *Server) decodeSmall(w http.ResponseWriter, r *http.Request, what string, v any) bool {
	body, ok := s.readSmall(w, r, what)
	if !ok {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		s.writeStatus(w, r, newStatus(http.StatusBadRequest, v1alpha1.ReasonBadRequest, what+" body: "+err.Error()))
		return false
	}
	return true
}

// readSmall reads a device request's body: at most maxDeviceBody bytes
// (413 past it) of UTF-8 (400 otherwise, as for every body).
func (s *Server) readSmall(w http.ResponseWriter, r *http.Request, what string) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxDeviceBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		s.writeError(w, r, err, "", "")
		return nil, false
	case err != nil:
		s.writeStatus(w, r, newStatus(http.StatusBadRequest, v1alpha1.ReasonBadRequest, what+" body: "+err.Error()))
		return nil, false
	}
	if err := manifest.CheckUTF8("", body); err != nil {
		s.writeError(w, r, err, "", "")
		return nil, false
	}
	return body, true
}

// writeDeviceResult answers a device request: 422 for the request's fault,
// 503 when the device could not be reached or read, else the result.
func (s *Server) writeDeviceResult(w http.ResponseWriter, r *http.Request, res any, err error) {
	switch {
	case errors.Is(err, ErrInvalidInput):
		s.writeStatus(w, r, newStatus(http.StatusUnprocessableEntity, v1alpha1.ReasonInvalid, err.Error()))
	case err != nil:
		s.writeStatus(w, r, newStatus(http.StatusServiceUnavailable, v1alpha1.ReasonUnavailable, err.Error()))
	default:
		writeJSON(w, http.StatusOK, res)
	}
}

// handleMappingTest reads a charger's device once through its mapping
// (`gwctl mapping test`). A charger that does not exist is 404; one whose
// device cannot be read now is 503, with the driver's reason.
func (s *Server) handleMappingTest(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.mapping == nil {
		s.noDevices(w, r)
		return
	}
	if s.chargerMissing(w, r, name) {
		return
	}
	res, err := s.mapping(r.Context(), name)
	s.writeDeviceResult(w, r, res, err)
}

// handleCommand runs one canonical command on a charger's device (`gwctl
// charger command`). The answer is 200 with the device's outcome whatever
// it was (Done, Rejected, Timeout, Unsupported, Failed); 404 when the
// charger does not exist, 422 for a command that is not canonical.
func (s *Server) handleCommand(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.command == nil {
		s.noDevices(w, r)
		return
	}
	var req v1alpha1.ChargerCommand
	if s.chargerMissing(w, r, name) || !s.decodeSmall(w, r, "command", &req) {
		return
	}
	if !slices.Contains(v1alpha1.CommandNames, req.Command) {
		s.writeStatus(w, r, newStatus(http.StatusUnprocessableEntity, v1alpha1.ReasonInvalid,
			fmt.Sprintf("command %q is not one of %s", req.Command, strings.Join(v1alpha1.CommandNames, ", "))))
		return
	}
	if req.ConnectorID == 0 {
		req.ConnectorID = 1
	}
	writeJSON(w, http.StatusOK, s.command(r.Context(), name, req))
}

// handleTryTemplate reads a device no Charger describes yet through a
// template (`gwctl mapping test --template`).
func (s *Server) handleTryTemplate(w http.ResponseWriter, r *http.Request) {
	if s.tryTemplate == nil {
		s.noDevices(w, r)
		return
	}
	var req v1alpha1.MappingTestRequest
	if !s.decodeSmall(w, r, "mapping test", &req) {
		return
	}
	res, err := s.tryTemplate(r.Context(), req)
	s.writeDeviceResult(w, r, res, err)
}

// handleDiscover runs a discovery (`gwctl discover modbus|echonet`): the
// gateway scans from where it sits, with the drivers it already runs.
func (s *Server) handleDiscover(w http.ResponseWriter, r *http.Request) {
	if s.discover == nil {
		s.noDevices(w, r)
		return
	}
	body, ok := s.readSmall(w, r, "discover")
	if !ok {
		return
	}
	res, err := s.discover(r.Context(), r.PathValue("protocol"), body)
	s.writeDeviceResult(w, r, res, err)
}
