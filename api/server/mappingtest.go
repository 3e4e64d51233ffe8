package server

import (
	"errors"
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
