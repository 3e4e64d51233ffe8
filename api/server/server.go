package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/api/audit"
	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// maxBodyBytes bounds every request body; a manifest bigger than this is a
// mistake, not a configuration.
const maxBodyBytes = 8 << 20

// defaultBookmarkInterval is how long a watch may stay silent before it gets
// a BOOKMARK, when the client asked for bookmarks.
const defaultBookmarkInterval = 30 * time.Second

// prefix is the path of the one API group and version served.
const prefix = "/apis/" + v1alpha1.Group + "/" + v1alpha1.Version

// Options configure a Server.
type Options struct {
	Store  *store.Store
	Logger *slog.Logger
	// Version and Commit are reported by GET /version.
	Version, Commit string
	// BookmarkInterval is the idle time after which a watch that allows
	// bookmarks gets one. Default 30s.
	BookmarkInterval time.Duration
	// MappingTest reads a charger's device once and returns what its
	// mapping makes of it (GET .../chargers/{name}/mappingtest); nil: 404.
	MappingTest func(ctx context.Context, charger string) (any, error)
	// Command runs one canonical command on a charger's device (POST
	// .../chargers/{name}/command); nil: 404.
	Command func(ctx context.Context, charger string, cmd v1alpha1.ChargerCommand) v1alpha1.ChargerCommandResult
	// TryTemplate reads a device through a template without a Charger
	// (POST .../mappingtest); nil: 404. Errors wrapping ErrInvalidInput are
	// answered 422, others 503.
	TryTemplate func(ctx context.Context, req v1alpha1.MappingTestRequest) (any, error)
	// Discover scans for devices of a protocol ("modbus", "echonet") as the
	// JSON body asks (POST .../discover/{protocol}); nil: 404. Errors
	// wrapping ErrInvalidInput are answered 422, others 503.
	Discover func(ctx context.Context, protocol string, body []byte) (any, error)
	// SystemToken, when set, is a bearer token with the admin role that gwd
	// holds in memory for its own clients (the configuration directory's
	// apply). It is never stored; every other token is a Token object.
	SystemToken string
	// ReadyChecks are what GET /readyz checks after the store's own check
	// (sound, checked, with space): the controllers, for gwd.
	ReadyChecks []Check
	// LogLevels changes gwd's log levels at run time (/debug/loglevels);
	// nil: 404.
	LogLevels LogLevels
	// Audit records every write, backup and refusal (/debug/audit reads
	// it back); nil records nothing.
	Audit *audit.Log
	// Metrics serves GET /metrics (the Prometheus exposition); nil: 404.
	Metrics http.Handler
	// Profiling serves the Go runtime's profiles (heap, goroutines, CPU,
	// execution trace) under /debug/pprof/, for admin tokens only; false:
	// 404.
	Profiling bool
}

// Server is the admin API. It keeps no state of its own beyond its options:
// everything lives in the store.
type Server struct {
	store       *store.Store
	log         *slog.Logger
	version     string
	commit      string
	bookmark    time.Duration
	mapping     func(ctx context.Context, charger string) (any, error)
	command     func(ctx context.Context, charger string, cmd v1alpha1.ChargerCommand) v1alpha1.ChargerCommandResult
	tryTemplate func(ctx context.Context, req v1alpha1.MappingTestRequest) (any, error)
	discover    func(ctx context.Context, protocol string, body []byte) (any, error)
	// systemToken and systemTokens: Options.SystemToken, and it as the one
	// Token auth.Authenticate looks in.
	systemToken  string
	systemTokens []*v1alpha1.Object
	ready        []Check
	logLevels    LogLevels
	profiling    bool
	audit        *audit.Log
	now          func() time.Time
	mux          *http.ServeMux
	handler      http.Handler
	// quit ends every watch (EndWatches), so that a shutdown does not wait
	// for clients that would watch forever.
	quit     chan struct{}
	quitOnce sync.Once
}

// BodyTimeout is how long a request other than a watch may take to send
// its body: a client that trickles one in holds a connection for no more.
const BodyTimeout = 60 * time.Second

// New returns a Server for opts.Store.
func New(opts Options) *Server {
	s := &Server{
		store:       opts.Store,
		log:         opts.Logger,
		version:     opts.Version,
		commit:      opts.Commit,
		bookmark:    opts.BookmarkInterval,
		mapping:     opts.MappingTest,
		command:     opts.Command,
		tryTemplate: opts.TryTemplate,
		discover:    opts.Discover,
		systemToken: opts.SystemToken,
		ready:       opts.ReadyChecks,
		logLevels:   opts.LogLevels,
		audit:       opts.Audit,
		profiling:   opts.Profiling,
		now:         time.Now,
		mux:         http.NewServeMux(),
		quit:        make(chan struct{}),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.bookmark <= 0 {
		s.bookmark = defaultBookmarkInterval
	}
	if s.systemToken != "" {
		spec, _ := json.Marshal(v1alpha1.TokenSpec{Role: v1alpha1.RoleAdmin, Hash: auth.Hash(s.systemToken)})
		s.systemTokens = []*v1alpha1.Object{{Kind: v1alpha1.KindToken, Metadata: v1alpha1.ObjectMeta{Name: systemTokenName}, Spec: spec}}
	}
	s.routes()
	if opts.Metrics != nil {
		s.mux.Handle("GET /metrics", opts.Metrics)
	}
	s.handler = s.logRequests(bodyDeadline(s.guard(s.mux)))
	return s
}

// EndWatches ends every open watch and every one started later: their
// streams close, and a client resumes from its last revision elsewhere or
// after a restart. Backup streams end too, cut short. http.Server.RegisterOnShutdown is the place to call it.
func (s *Server) EndWatches() { s.quitOnce.Do(func() { close(s.quit) }) }

// bodyDeadline gives every request but a watch BodyTimeout to be read:
// http.Server's ReadTimeout would cut watches too, whose request is open
// for as long as they stream.
func bodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("watch") != "true" {
			// Not every ResponseWriter supports deadlines (httptest's does
			// not); the server's own does.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(BodyTimeout))
		}
		next.ServeHTTP(w, r)
	})
}

// Handler returns the HTTP handler of the API, with request logging.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /version", s.handleVersion)
	m.HandleFunc("GET /healthz", s.handleHealthz)
	m.HandleFunc("GET /readyz", s.handleReadyz)
	m.HandleFunc("GET "+prefix, s.handleDiscovery)
	m.HandleFunc("GET "+prefix+"/{$}", s.handleDiscovery)
	m.HandleFunc("POST "+prefix+"/apply", s.handleApply)
	m.HandleFunc("GET "+prefix+"/{plural}", s.handleCollectionGet)
	m.HandleFunc("POST "+prefix+"/{plural}", s.handleCreate)
	m.HandleFunc("GET "+prefix+"/{plural}/{name}", s.handleGet)
	m.HandleFunc("PUT "+prefix+"/{plural}/{name}", s.handleUpdate)
	m.HandleFunc("DELETE "+prefix+"/{plural}/{name}", s.handleDelete)
	m.HandleFunc("GET "+prefix+"/{plural}/{name}/status", s.handleGet)
	m.HandleFunc("PUT "+prefix+"/{plural}/{name}/status", s.handleUpdateStatus)
	m.HandleFunc("GET "+prefix+"/chargers/{name}/mappingtest", s.handleMappingTest)
	m.HandleFunc("POST "+prefix+"/chargers/{name}/command", s.handleCommand)
	m.HandleFunc("POST "+prefix+"/mappingtest", s.handleTryTemplate)
	m.HandleFunc("POST "+prefix+"/discover/{protocol}", s.handleDiscover)
	m.HandleFunc("GET "+prefix+"/backup", s.handleBackup)
	if s.audit != nil {
		m.HandleFunc("GET /debug/audit", s.handleAudit)
	}
	if s.logLevels != nil {
		m.HandleFunc("GET /debug/loglevels", s.handleLogLevels)
		m.HandleFunc("PUT /debug/loglevels/{component...}", s.handleSetLogLevel)
		m.HandleFunc("DELETE /debug/loglevels/{component...}", s.handleResetLogLevel)
	}
	if s.profiling {
		profilingRoutes(m)
	}

	// Method-less patterns catch what the ones above do not, so that every
	// answer is an APIStatus rather than the mux's plain text. (GET /apply
	// falls to {plural} and is an unknown resource type.)
	allow := map[string]string{
		prefix + "/{plural}":               "GET, POST",
		prefix + "/{plural}/{name}":        "GET, PUT, DELETE",
		prefix + "/{plural}/{name}/status": "GET, PUT",
		"/version":                         "GET",
		"/healthz":                         "GET",
		"/readyz":                          "GET",
	}
	for pattern, methods := range allow {
		m.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", methods)
			s.writeStatus(w, r, newStatus(http.StatusMethodNotAllowed, reasonMethodNotAllowed,
				"method "+r.Method+" is not allowed on "+r.URL.Path+"; allowed: "+methods))
		})
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.writeStatus(w, r, newStatus(http.StatusNotFound, v1alpha1.ReasonNotFound, "no API at "+r.URL.Path))
	})
}

// kindFor resolves the {plural} path segment. Only the plural is accepted,
// as in Kubernetes; short names are a CLI convenience.
func kindFor(r *http.Request) (v1alpha1.KindInfo, error) {
	plural := r.PathValue("plural")
	k, ok := v1alpha1.LookupKind(plural)
	if !ok || k.Plural != plural {
		return v1alpha1.KindInfo{}, &apiError{newStatus(http.StatusNotFound, v1alpha1.ReasonNotFound,
			"unknown resource type "+quote(plural))}
	}
	return k, nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b, _ = json.Marshal(newStatus(code, v1alpha1.ReasonInternalError, "encode response: "+err.Error()))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// statusRecorder remembers the response code for the request log. Unwrap lets
// http.ResponseController reach the real writer's Flush.
type statusRecorder struct {
	http.ResponseWriter
	code int
	who  string // the token's name, once guard knows it
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.String("query", r.URL.RawQuery),
			slog.Int("code", rec.code),
			slog.String("token", rec.who),
			slog.Duration("duration", time.Since(start)),
			slog.String("remote", r.RemoteAddr))
	})
}
