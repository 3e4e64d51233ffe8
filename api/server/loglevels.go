package server

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/logging"
)

// LogLevels is gwd's run-time control of its log levels.
type LogLevels interface {
	Set(component, level string) error
	Reset(component string)
	Snapshot() []logging.ComponentLevel
}

// LogLevelRequest is the body of PUT /debug/loglevels/{component}.
type LogLevelRequest struct {
	Level string `json:"level"`
}

// handleLogLevels lists the levels in force: the default and each
// component's own.
func (s *Server) handleLogLevels(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.logLevels.Snapshot())
}

// handleSetLogLevel gives a component ("drivers/modbus", "ocpp/CP001",
// "default") its own level, trace to error, at once and until gwd stops.
func (s *Server) handleSetLogLevel(w http.ResponseWriter, r *http.Request) {
	var req LogLevelRequest
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 4<<10))
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		s.writeStatus(w, r, newStatus(http.StatusBadRequest, v1alpha1.ReasonBadRequest, "log level body: want {\"level\":\"debug\"}: "+err.Error()))
		return
	}
	if err := s.logLevels.Set(r.PathValue("component"), req.Level); err != nil {
		s.writeStatus(w, r, newStatus(http.StatusUnprocessableEntity, v1alpha1.ReasonInvalid, err.Error()))
		return
	}
	s.log.Info("log level changed", "for", r.PathValue("component"), "level", req.Level)
	writeJSON(w, http.StatusOK, s.logLevels.Snapshot())
}

// handleResetLogLevel drops a component's own level: it follows its
// prefix's, or the default, again.
func (s *Server) handleResetLogLevel(w http.ResponseWriter, r *http.Request) {
	s.logLevels.Reset(r.PathValue("component"))
	s.log.Info("log level reset", "for", r.PathValue("component"))
	writeJSON(w, http.StatusOK, s.logLevels.Snapshot())
}
