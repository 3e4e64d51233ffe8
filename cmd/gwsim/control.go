package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/ocppgw/ocppgw/cmd/gwsim/sim"
)

// deviceView is a device with its live state, as the control API shows it.
type deviceView struct {
	*device
	State sim.State `json:"state"`
}

// controlHandler is the HTTP API `gwsim ctl` talks to:
//
//	GET  /devices                      every device and its state
//	GET  /devices/{name}
//	POST /devices/{name}/plug          an EV plugs in
//	POST /devices/{name}/unplug
//	POST /devices/{name}/fault?mode=M  silent, exception, stuck, charger; empty clears
//	POST /devices/{name}/available?on=true|false
//	POST /devices/{name}/evpause?on=true|false   the EV stops or resumes asking
//	POST /devices/{name}/card?uid=04A1B2C3      an RFID card at the reader; empty takes it away
func controlHandler(f *fleet) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /devices", func(w http.ResponseWriter, _ *http.Request) {
		// One moment for all: a site's setpoints sum as they were at once.
		chs := make([]*sim.Charger, len(f.devices))
		for i, d := range f.devices {
			chs[i] = d.charger
		}
		views := []deviceView{}
		for i, st := range sim.SnapshotAll(chs) {
			views = append(views, deviceView{f.devices[i], st})
		}
		writeJSON(w, http.StatusOK, views)
	})
	mux.HandleFunc("GET /devices/{name}", withDevice(f, func(d *device, _ *http.Request) error { return nil }))
	mux.HandleFunc("POST /devices/{name}/plug", withDevice(f, func(d *device, _ *http.Request) error {
		d.charger.Plug(true)
		return nil
	}))
	mux.HandleFunc("POST /devices/{name}/unplug", withDevice(f, func(d *device, _ *http.Request) error {
		d.charger.Plug(false)
		return nil
	}))
	mux.HandleFunc("POST /devices/{name}/fault", withDevice(f, func(d *device, r *http.Request) error {
		return d.charger.SetFault(sim.Fault(r.URL.Query().Get("mode")))
	}))
	mux.HandleFunc("POST /devices/{name}/available", withDevice(f, func(d *device, r *http.Request) error {
		on, err := boolQuery(r)
		if err != nil {
			return err
		}
		d.charger.SetAvailable(on)
		return nil
	}))
	mux.HandleFunc("POST /devices/{name}/evpause", withDevice(f, func(d *device, r *http.Request) error {
		on, err := boolQuery(r)
		if err != nil {
			return err
		}
		return d.charger.SetEVPaused(on)
	}))
	mux.HandleFunc("POST /devices/{name}/card", withDevice(f, func(d *device, r *http.Request) error {
		if err := d.charger.PresentCard(r.URL.Query().Get("uid")); err != nil {
			return fmt.Errorf("%s (%s): %w", d.Name, d.Model, err)
		}
		return nil
	}))
	return mux
}

// boolQuery reads the query parameter on.
func boolQuery(r *http.Request) (bool, error) {
	on, err := strconv.ParseBool(r.URL.Query().Get("on"))
	if err != nil {
		return false, fmt.Errorf("on=%q: want true or false", r.URL.Query().Get("on"))
	}
	return on, nil
}

// withDevice runs act on the named device and answers with its new state,
// 404 for an unknown device and 400 when act refuses.
func withDevice(f *fleet, act func(*device, *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, err := f.get(r.PathValue("name"))
		if err != nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
			return
		}
		if err := act(d, r); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, deviceView{d, d.charger.Snapshot()})
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
