package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// maxCommandBody bounds a command request; the real ones are tiny.
const maxCommandBody = 4 << 10

// handleCommand runs one canonical command on a charger's device (`gwctl
// charger command`). The answer is 200 with the device's outcome whatever
// it was (Done, Rejected, Timeout, Unsupported, Failed); 404 when the
// charger does not exist, 422 for a command that is not canonical.
func (s *Server) handleCommand(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if s.command == nil {
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
	var req v1alpha1.ChargerCommand
	dec := json.NewDecoder(io.LimitReader(r.Body, maxCommandBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.writeStatus(w, r, newStatus(http.StatusBadRequest, v1alpha1.ReasonBadRequest, "command body: "+err.Error()))
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
	res := s.command(r.Context(), name, req)
	writeJSON(w, http.StatusOK, res)
}
