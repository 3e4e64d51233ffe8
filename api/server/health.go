package server

import (
	"fmt"
	"net/http"
	"strings"
)

// Check is one readiness check: a name and a function that returns nil
// when that part of gwd is ready, or why it is not.
type Check struct {
	Name  string
	Ready func() error
}

// readyChecks are the store's check followed by the ones gwd adds.
func (s *Server) readyChecks() []Check {
	return append([]Check{{Name: "store", Ready: s.store.Writable}}, s.ready...)
}

// handleReadyz answers readiness as the Kubernetes API server's /readyz
// does: 200 "ok" when every check passes, else 503 listing each check as
// [+]name ok or [-]name failed: reason. ?verbose lists them on success too.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	var b strings.Builder
	failed := false
	for _, c := range s.readyChecks() {
		if err := c.Ready(); err != nil {
			failed = true
			fmt.Fprintf(&b, "[-]%s failed: %v\n", c.Name, err)
		} else {
			fmt.Fprintf(&b, "[+]%s ok\n", c.Name)
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	switch {
	case failed:
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(&b, "readyz check failed\n")
	case r.URL.Query().Has("verbose"):
		fmt.Fprintf(&b, "readyz check passed\n")
	default:
		b.Reset()
		b.WriteString("ok")
	}
	_, _ = w.Write([]byte(b.String()))
}
