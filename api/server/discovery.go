package server

import (
	"net/http"
	"runtime"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// versionInfo is the answer to GET /version.
type versionInfo struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
}

// discoveryKind describes one served kind, for clients that resolve names.
type discoveryKind struct {
	Kind       string   `json:"kind"`
	Singular   string   `json:"singular"`
	Plural     string   `json:"plural"`
	ShortNames []string `json:"shortNames,omitempty"`
	Scope      string   `json:"scope"`
	Categories []string `json:"categories,omitempty"`
}

type discovery struct {
	GroupVersion string          `json:"groupVersion"`
	Kinds        []discoveryKind `json:"kinds"`
}

func (s *Server) handleVersion(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, versionInfo{Version: s.version, Commit: s.commit, GoVersion: runtime.Version()})
}

// handleHealthz answers ok while the store is sound; once a damaged page
// was met it answers 503 with what to do, as the store logged it.
func (s *Server) handleHealthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.store.Healthy(); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(err.Error()))
		return
	}
	_, _ = w.Write([]byte("ok"))
}

func (s *Server) handleDiscovery(w http.ResponseWriter, _ *http.Request) {
	d := discovery{GroupVersion: v1alpha1.APIVersion}
	for _, k := range v1alpha1.DefaultScheme().Kinds() {
		d.Kinds = append(d.Kinds, discoveryKind{Kind: k.Kind, Singular: k.Singular, Plural: k.Plural, ShortNames: k.Short,
			Scope: string(k.Scope), Categories: k.Categories})
	}
	writeJSON(w, http.StatusOK, d)
}
