package server

import (
	"net/http"
	"net/http/pprof"
)

// profilingRoutes serves the Go runtime's profiles, as net/http/pprof
// does, on the admin API's own mux: behind its TLS and bearer tokens, and,
// since requestAttributes does not name these routes, for admins only.
// The command line (pprof's cmdline) is left out: it may name files an
// installer would rather keep to the box.
func profilingRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /debug/pprof/{$}", pprof.Index)
	m.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	m.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	m.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	m.HandleFunc("GET /debug/pprof/{name}", func(w http.ResponseWriter, r *http.Request) {
		pprof.Handler(r.PathValue("name")).ServeHTTP(w, r)
	})
}
