package rpc

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// Server accepts station connections at <Prefix>/<stationId>. It is meant
// for the test CSMS and benchmarks; the gateway itself only dials.
type Server struct {
	// Prefix is the path before the station id, e.g. "/ocpp". Empty
	// accepts any.
	Prefix string
	// Auth checks the Basic-auth password of a station (profiles 1 and 2).
	// Nil accepts every station. The user name must equal the station id
	// either way (A00.FR.204).
	Auth func(stationID, password string, r *http.Request) bool
	// OnConnect is called before the Conn starts reading, so SetHandler
	// there misses no CALL. It must not block: it runs on the goroutine
	// that then becomes the Conn's reader; start a goroutine to Call.
	OnConnect func(stationID string, c *Conn)
	Options   Options
	// CheckOrigin defaults to accepting any origin: stations send none.
	CheckOrigin func(r *http.Request) bool
}

// ServeHTTP upgrades one station and runs its reader until it closes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, ok := s.stationID(r.URL)
	if !ok {
		http.Error(w, "rpc: path must be "+s.Prefix+"/<stationId>", http.StatusNotFound)
		return
	}
	if !s.authorized(id, r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="ocpp"`)
		http.Error(w, "rpc: unauthorized", http.StatusUnauthorized)
		return
	}
	opts, err := s.Options.normalize()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	up := websocket.Upgrader{
		Subprotocols:    []string{opts.Subprotocol},
		CheckOrigin:     s.CheckOrigin,
		WriteBufferPool: writeBuffers,
	}
	if up.CheckOrigin == nil {
		up.CheckOrigin = func(*http.Request) bool { return true }
	}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		opts.Logger.Warn("rpc: upgrade failed", "station", id, "error", err)
		return
	}
	if ws.Subprotocol() != opts.Subprotocol {
		// Part 4 §3.2: complete the handshake without the header, then close.
		rejectSubprotocol(ws, opts, id, websocket.Subprotocols(r))
		return
	}
	c := newConn(ws, id, opts)
	if s.OnConnect != nil {
		s.OnConnect(id, c)
	}
	c.armPing()
	c.readLoop()
}

func rejectSubprotocol(ws *websocket.Conn, opts Options, id string, offered []string) {
	opts.Logger.Warn("rpc: station did not offer the subprotocol", "station", id, "want", opts.Subprotocol, "offered", offered)
	_ = ws.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseProtocolError, "subprotocol "+opts.Subprotocol+" required"),
		time.Now().Add(time.Second))
	_ = ws.Close()
}

func (s *Server) stationID(u *url.URL) (string, bool) {
	p := u.EscapedPath()
	i := strings.LastIndexByte(p, '/')
	if i < 0 || (s.Prefix != "" && strings.TrimRight(p[:i], "/") != strings.TrimRight(s.Prefix, "/")) {
		return "", false
	}
	id, err := url.PathUnescape(p[i+1:])
	if err != nil || id == "" || len(id) > maxStationIDLen {
		return "", false
	}
	return id, true
}

func (s *Server) authorized(id string, r *http.Request) bool {
	user, pass, hasAuth := r.BasicAuth()
	if hasAuth && user != id {
		return false
	}
	if s.Auth == nil {
		return true
	}
	return hasAuth && s.Auth(id, pass, r)
}
