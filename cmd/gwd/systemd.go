package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/ocppgw/ocppgw/cmd/gwd/internal/sdnotify"
	"github.com/ocppgw/ocppgw/controllers"
)

// systemdState reports gwd's state to systemd when it runs gwd as a
// Type=notify unit, and does nothing otherwise.
type systemdState struct {
	n   *sdnotify.Notifier
	log *slog.Logger
	// ready closes once the controllers run on synced caches; the store is
	// open and the API listens before.
	ready <-chan struct{}
	// isReady says READY was sent, so a reload may announce itself.
	isReady bool
	// tick paces WATCHDOG=1 from the main loop; nil when the watchdog is off.
	tick     <-chan time.Time
	stopTick func()
}

// newSystemdState watches mgr for readiness and starts the
// watchdog ticker that $WATCHDOG_USEC asks for.
func newSystemdState(ctx context.Context, mgr *controllers.Manager, log *slog.Logger) *systemdState {
	s := &systemdState{n: sdnotify.FromEnv(), log: log, stopTick: func() {}}
	ready := make(chan struct{})
	s.ready = ready
	go func() {
		// The controllers' part of /readyz. The store's part (writable) is
		// left out: a store over its quota still serves, and withholding
		// READY would only have systemd restart gwd again and again.
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for mgr.Ready() != nil {
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
		close(ready)
	}()
	every, err := sdnotify.WatchdogInterval()
	if err != nil {
		log.Warn("systemd watchdog off", "err", err)
	}
	if every > 0 && s.n != nil {
		t := time.NewTicker(every)
		s.tick, s.stopTick = t.C, t.Stop
	}
	return s
}

func (s *systemdState) send(state string) {
	if err := s.n.Notify(state); err != nil {
		s.log.Warn("telling systemd", "state", state, "err", err)
	}
}

// becameReady sends READY=1 once.
func (s *systemdState) becameReady() {
	s.ready, s.isReady = nil, true
	s.send(sdnotify.Ready)
	s.log.Info("gwd ready")
}

// reload runs apply between RELOADING=1 and READY=1, so systemd shows the
// unit reloading until the configuration directory is applied.
func (s *systemdState) reload(apply func()) {
	if !s.isReady {
		apply()
		return
	}
	msg, err := sdnotify.Reload()
	if err != nil {
		s.log.Warn("telling systemd of the reload", "err", err)
		msg = sdnotify.Reloading
	}
	s.send(msg)
	apply()
	s.send(sdnotify.Ready)
}

// stopping tells systemd that gwd is shutting down and ends the watchdog.
func (s *systemdState) stopping() {
	s.stopTick()
	s.send(sdnotify.Stopping)
}
