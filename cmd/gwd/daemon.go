package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/ocppgw/ocppgw/api/audit"
	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/connlimit"
	"github.com/ocppgw/ocppgw/api/server"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/cmd/gwd/internal/sdnotify"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/charger"
	"github.com/ocppgw/ocppgw/controllers/sitelimit"
	"github.com/ocppgw/ocppgw/controllers/station"
	"github.com/ocppgw/ocppgw/controllers/template"
	"github.com/ocppgw/ocppgw/controllers/transaction"
	"github.com/ocppgw/ocppgw/internal/logging"
	"github.com/ocppgw/ocppgw/metrics"
	"github.com/ocppgw/ocppgw/store"
)

// storeFile is the name of the bbolt file inside the data directory.
const storeFile = "state.db"

// runDaemon runs gwd until ctx is done: store, API, controllers, config sync.
func runDaemon(ctx context.Context, o *options, logger *logging.Logger, hup <-chan os.Signal) error {
	log := logger.Logger
	ln, err := net.Listen("tcp", o.apiListen)
	if err != nil {
		return fmt.Errorf("--api-listen: %w", err)
	}
	defer ln.Close()
	reg := metrics.New()
	st, err := openStore(o, log, reg.Store())
	if err != nil {
		return err
	}
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing store", "err", err)
		}
	}()

	drivers := charger.NewDrivers(o.driverConfigs())
	defer drivers.Close()
	if err := reg.WatchDrivers(drivers); err != nil {
		return err
	}
	reg.Store().WatchStore(storeStats(st))
	mgr, chargers, err := setupControllers(st, drivers, o.history, log, reg)
	if err != nil {
		return err
	}

	auditPath := o.auditLog
	if auditPath == "" {
		auditPath = filepath.Join(o.dataDir, "audit.log")
	}
	auditLog, err := audit.Open(auditPath, 10, 10)
	if err != nil {
		return fmt.Errorf("--audit-log: %w", err)
	}
	defer auditLog.Close()

	// gwd's own client (the config directory's apply) holds a token that
	// lives in memory only, for this run.
	systemToken, err := auth.NewSecret()
	if err != nil {
		return err
	}
	api := server.New(server.Options{Store: st, Logger: log.With("component", "api"), Version: version, Commit: commit,
		MappingTest: mappingTest(st, chargers), Command: chargers.RunCommand,
		TryTemplate: tryTemplate(chargers), Discover: discover(chargers), SystemToken: systemToken,
		ReadyChecks: []server.Check{{Name: "controllers", Ready: mgr.Ready}}, LogLevels: logger.Levels, Metrics: reg.Handler(), Audit: auditLog,
		Profiling: o.profiling})
	// Headers within 10 s, bodies within server.BodyTimeout (watches are
	// exempt), idle keep-alive connections closed after 2 minutes.
	srv := &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		MaxHeaderBytes: 64 << 10}
	srv.RegisterOnShutdown(api.EndWatches) // a watch never ends by itself: end them so Shutdown need not wait
	serveErr := make(chan error, 1)
	cert, err := apiCertificate(st, o, ln, log)
	if err != nil {
		return err
	}
	// TLS inside the connection cap, so that a connection over the cap is
	// still answered (its handshake is done when its request is read).
	tlsLn := tls.NewListener(ln, &tls.Config{GetCertificate: cert.GetCertificate, MinVersion: tls.VersionTLS12})
	go func() { serveErr <- srv.Serve(connlimit.New(tlsLn, o.apiMaxConns, 0, api.Handler())) }()
	url := localURL(ln.Addr())
	cfgPath, err := writeClientConfig(st, o.dataDir, url, cert, log)
	if err != nil {
		return err
	}
	go followCertificate(ctx, st, cert, o.apiTLSSecret, o.dataDir, url, log)
	log.Info("gwd started", "version", version, "api", url, "dataDir", o.dataDir, "clientConfig", cfgPath, "revision", st.Revision())

	mgrCtx, stopMgr := context.WithCancel(ctx)
	mgrDone := make(chan error, 1)
	go func() { mgrDone <- mgr.Run(mgrCtx) }()

	sync := &configSync{dir: o.configDir, server: url, token: systemToken, cert: cert, log: log.With("component", "config-sync")}
	sync.run(ctx)

	sd := newSystemdState(ctx, mgr, log)
	mgrStopped, runErr := serve(ctx, hup, sync, sd, serveErr, mgrDone, log)
	sd.stopping()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn("admin API shutdown", "err", err)
	}
	stopMgr()
	if !mgrStopped {
		if err := <-mgrDone; err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("controllers shutdown", "err", err)
		}
	}
	return runErr
}

// setupControllers adds every controller to a new manager. It returns the
// charger controller too, which serves commands and mapping tests.
func setupControllers(st *store.Store, drivers *charger.Drivers, history transaction.Options, log *slog.Logger, reg *metrics.Registry) (*controllers.Manager, *charger.Reconciler, error) {
	mgr := controllers.NewManager(st, log.With("component", "controllers"))
	if err := template.Setup(template.Options{})(mgr, st, log); err != nil {
		return nil, nil, fmt.Errorf("template controller: %w", err)
	}
	var chargers *charger.Reconciler
	if err := charger.Setup(charger.Options{Opener: drivers, Metrics: reg.Chargers(), Reconciler: &chargers})(mgr, st, log); err != nil {
		return nil, nil, fmt.Errorf("charger controller: %w", err)
	}
	if err := station.Setup(station.Options{Commands: chargers, Metrics: reg.OCPP()})(mgr, st, log); err != nil {
		return nil, nil, fmt.Errorf("station controller: %w", err)
	}
	if err := transaction.Setup(history)(mgr, st, log); err != nil {
		return nil, nil, fmt.Errorf("transaction history controller: %w", err)
	}
	if err := sitelimit.Setup(sitelimit.Options{})(mgr, st, log); err != nil {
		return nil, nil, fmt.Errorf("site limit controller: %w", err)
	}
	return mgr, chargers, nil
}

// serve waits until ctx ends or the API or the controllers stop, and
// applies the configuration directory again on every SIGHUP. It tells
// systemd when gwd is ready and pings its watchdog. mgrStopped says the
// controllers' result was taken.
func serve(ctx context.Context, hup <-chan os.Signal, sync *configSync, sd *systemdState, serveErr, mgrDone <-chan error, log *slog.Logger) (mgrStopped bool, err error) {
	for {
		select {
		case <-ctx.Done():
			return false, nil
		case <-sd.ready:
			sd.becameReady()
		case <-sd.tick:
			sd.send(sdnotify.Watchdog)
		case <-hup:
			log.Info("SIGHUP: applying the configuration directory again")
			sd.reload(func() { sync.run(ctx) })
		case err := <-serveErr:
			return false, fmt.Errorf("admin API: %w", err)
		case err := <-mgrDone:
			if err == nil && ctx.Err() != nil {
				return true, nil // stopped because gwd is stopping
			}
			return true, fmt.Errorf("controllers stopped: %w", err)
		}
	}
}

// openStore opens the store in the data directory with its encryption key.
func openStore(o *options, log *slog.Logger, observer store.Observer) (*store.Store, error) {
	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	keyPath, create := o.keyFile, o.keyFile == ""
	if create {
		keyPath = filepath.Join(o.dataDir, keyFile)
	}
	key, err := loadEncryptionKey(keyPath, create)
	if err != nil {
		return nil, err
	}
	if err := checkPreviousStore(o.dataDir, o.init); err != nil {
		return nil, err
	}
	return store.Open(filepath.Join(o.dataDir, storeFile), store.Options{Logger: log.With("component", "store"), EncryptionKey: key, SealedKinds: v1alpha1.SealedKinds(),
		Init: o.init, QuotaBytes: storeQuota(o.storeQuota), CompactKeepAge: o.eventAge, CompactMaxEvents: o.eventMax,
		Observer: observer})
}
