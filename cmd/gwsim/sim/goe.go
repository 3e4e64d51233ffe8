package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// GoE serves one charger as a go-e Charger's local HTTP API v2: GET
// /api/status (optionally ?filter=key,key) and GET /api/set?key=json. The
// keys follow go-e's public key table; see goeStatus and goeSet.
//
// It is the demo and load device. The driver's tests run against
// drivers/internal/goepeer, written from go-e's documentation instead.
type GoE struct {
	C      *Charger
	Serial string
	Addr   string // host:port it listens on

	mu   sync.Mutex
	frc  int // forceState: 0 Neutral, 1 Off, 2 On
	psm  int // phaseSwitchMode: 0 Auto or 2 Force_3 (the charger's phases stay)
	ama  int // ampere_max limit, the top of amp's range
	srv  *http.Server
	stop chan struct{}
	once sync.Once
}

// The go-e carState values (key car).
const (
	goeIdle     = 1
	goeCharging = 2
	goeWaitCar  = 3
	goeComplete = 4
	goeError    = 5
)

// goeErrUnknown is the err code of FaultCharger: "Unknown" in go-e's
// error list.
const goeErrUnknown = 12

// goeFirmware is the fwv the device reports.
const goeFirmware = "56.2"

// ServeGoE starts serving c on addr ("127.0.0.1:0" picks a port).
func ServeGoE(addr string, c *Charger, serial string) (*GoE, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("go-e http %s: %w", addr, err)
	}
	g := &GoE{C: c, Serial: serial, Addr: ln.Addr().String(), ama: int(c.Config().MaxCurrentA), stop: make(chan struct{})}
	g.srv = &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second}
	go g.srv.Serve(ln)
	return g, nil
}

// Close stops the server; requests held by FaultSilent are released.
func (g *GoE) Close() error {
	g.once.Do(func() { close(g.stop) })
	return g.srv.Close()
}

// ServeHTTP implements http.Handler: the charger's fault mode first, then
// the two API paths.
func (g *GoE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch g.C.Snapshot().Fault {
	case FaultSilent:
		select {
		case <-g.stop:
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
		panic(http.ErrAbortHandler) // close the connection, no answer
	case FaultException:
		http.Error(w, "couldn't take api lock in 3s, please try again later", http.StatusInternalServerError)
		return
	}
	var code int
	var body map[string]any
	switch r.URL.Path {
	case "/api/status":
		code, body = g.status(r.URL.Query().Get("filter"))
	case "/api/set":
		code, body = g.set(r.URL.RawQuery)
	default:
		http.Error(w, "This URI does not exist", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(body)
}

// status answers every key, or those of filter: a key the device lacks
// makes the answer 400, with the keys it has.
func (g *GoE) status(filter string) (int, map[string]any) {
	all := g.keys()
	if filter == "" {
		return http.StatusOK, all
	}
	code, out := http.StatusOK, map[string]any{}
	for k := range strings.SplitSeq(filter, ",") {
		if v, ok := all[k]; ok {
			out[k] = v
		} else if k != "" {
			code = http.StatusBadRequest
		}
	}
	return code, out
}

// keys is the status object from the charger's state.
func (g *GoE) keys() map[string]any {
	s := g.C.Snapshot()
	g.mu.Lock()
	frc, psm, ama := g.frc, g.psm, g.ama
	g.mu.Unlock()
	alw := s.Available && !s.Paused && s.Fault != FaultCharger
	var acu any
	if alw && s.Plugged {
		acu = int(s.LimitA)
	}
	errCode, variant := 0, 11
	if s.Fault == FaultCharger {
		errCode = goeErrUnknown
	}
	if g.C.Config().MaxCurrentA > 16 {
		variant = 22
	}
	return map[string]any{
		"car": goeCar(s), "amp": int(s.SetpointA), "ama": ama, "alw": alw, "acu": acu,
		"frc": frc, "psm": psm, "nrg": goeNrg(s), "wh": s.SessionWh, "eto": int64(s.EnergyWh),
		"err": errCode, "fwv": goeFirmware, "sse": g.Serial, "var": variant,
	}
}

func goeCar(s State) int {
	switch {
	case s.Fault == FaultCharger:
		return goeError
	case !s.Plugged:
		return goeIdle
	case s.Charging:
		return goeCharging
	case s.SessionWh > 0 || s.EVPaused || s.SoC >= 100:
		return goeComplete // charging finished, car still connected
	}
	return goeWaitCar
}

// goeNrg is the energy array: U L1 L2 L3 N, I L1 L2 L3, P L1 L2 L3 N
// Total, power factor L1 L2 L3 N (V, A, W, %).
func goeNrg(s State) []float64 {
	n := make([]float64, 16)
	for i := range min(s.Phases, 3) {
		n[i] = s.VoltageV
		n[4+i] = s.CurrentA
		n[7+i] = s.VoltageV * s.CurrentA
		if s.CurrentA > 0 {
			n[12+i] = 100
		}
	}
	n[11] = s.PowerW
	return n
}

// set applies each key=value of query, in order: the answer holds true or
// an error string per key, and is 500 when any key was refused.
func (g *GoE) set(query string) (int, map[string]any) {
	out, code := map[string]any{}, http.StatusOK
	for kv := range strings.SplitSeq(query, "&") {
		if kv == "" {
			continue
		}
		key, raw, err := unescapePair(kv)
		if err == nil {
			err = g.setKey(key, raw)
		}
		if err != nil {
			out[key], code = fmt.Sprintf("%s: %v (%s)", key, err, raw), http.StatusInternalServerError
			continue
		}
		out[key] = true
	}
	return code, out
}

func unescapePair(kv string) (string, string, error) {
	k, v, _ := strings.Cut(kv, "=")
	key, err := url.QueryUnescape(k)
	if err != nil {
		return k, v, errors.New("failed: bad query encoding")
	}
	raw, err := url.QueryUnescape(v)
	if err != nil {
		return key, v, errors.New("failed: bad query encoding")
	}
	return key, raw, nil
}

// goeReadOnly are the served keys without a setter.
var goeReadOnly = map[string]bool{"car": true, "alw": true, "acu": true, "nrg": true, "wh": true,
	"eto": true, "err": true, "fwv": true, "sse": true, "var": true}

// setKey applies one key: amp 6..ama, ama 6..the hardware maximum, frc
// 0..2 (1 pauses the charger), psm 0 or 2 (the simulated charger cannot
// switch to one phase).
func (g *GoE) setKey(key, raw string) error {
	if goeReadOnly[key] {
		return errors.New("tried to set api key without setter")
	}
	var lo, hi int
	g.mu.Lock()
	switch key {
	case "amp":
		lo, hi = 6, g.ama
	case "ama":
		lo, hi = 6, int(g.C.Config().MaxCurrentA)
	case "frc", "psm":
		lo, hi = 0, 2
	default:
		g.mu.Unlock()
		return errors.New("unknown api key")
	}
	g.mu.Unlock()
	var v int // JSON: 16, not "16", 16.5 or true
	if json.Unmarshal([]byte(raw), &v) != nil {
		return errors.New("failed: expected an integer")
	}
	if v < lo || v > hi {
		return fmt.Errorf("failed: Value %d exceeds range %d to %d", v, lo, hi)
	}
	return g.apply(key, v)
}

func (g *GoE) apply(key string, v int) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch key {
	case "amp":
		return g.C.SetCurrentLimit(float64(v))
	case "ama":
		g.ama = v
		if g.C.Snapshot().SetpointA > float64(v) {
			return g.C.SetCurrentLimit(float64(v))
		}
	case "frc":
		g.frc = v
		g.C.SetPaused(v == 1)
	case "psm":
		if v == 1 {
			return errors.New("failed: phase switching is not simulated")
		}
		g.psm = v
	}
	return nil
}
