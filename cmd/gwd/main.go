package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // ClockCtrlr.TimeZone works without the host's zoneinfo

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/connlimit"
	"github.com/ocppgw/ocppgw/controllers/transaction"
	"github.com/ocppgw/ocppgw/drivers/echonet"
	"github.com/ocppgw/ocppgw/internal/i18n"
	"github.com/ocppgw/ocppgw/internal/logging"
	"github.com/ocppgw/ocppgw/store"
)

// Set by -ldflags at build time.
var (
	version = "dev"
	commit  = ""
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// options are gwd's command-line settings.
type options struct {
	dataDir   string
	apiListen string
	// apiMaxConns caps the admin API's open connections (connlimit).
	apiMaxConns int
	configDir   string
	keyFile     string // empty: <data-dir>/secret.key, created if missing
	logLevel    string
	logFormat   string
	// log is the --log-file and its rotation.
	log logging.Options

	echonetListen    string
	echonetInterface string
	echonetGroup     string

	// init allows a missing or 0-byte store where one was before.
	init bool
	// storeQuota bounds the space the store file uses.
	storeQuota byteSize
	// eventAge and eventMax bound the store's event log (watch resumption).
	eventAge time.Duration
	eventMax int

	// history bounds the ended sessions kept as Transactions.
	history transaction.Options
}

func parseFlags(args []string, errOut io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("gwd", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.StringVar(&o.dataDir, "data-dir", client.DefaultDataDir(), "directory of the state store and gwctl.yaml")
	fs.StringVar(&o.apiListen, "api-listen", "127.0.0.1:8443", "address of the admin API (loopback only until HTTPS and tokens are configured)")
	fs.IntVar(&o.apiMaxConns, "api-max-connections", connlimit.DefaultMax,
		"admin API connections served at once; over it /healthz is still answered and other requests get 503")
	fs.StringVar(&o.configDir, "config-dir", "", "directory of YAML resources applied at start and on SIGHUP")
	fs.StringVar(&o.keyFile, "encryption-key-file", "", "file of the 32-byte key that encrypts Secrets in the store, mode 0600 (default <data-dir>/"+keyFile+", created if missing)")
	fs.StringVar(&o.echonetListen, "echonet-listen", ":3610", "UDP address of the ECHONET Lite client (opened when the first EL charger is applied)")
	fs.StringVar(&o.echonetInterface, "echonet-interface", "", "network interface for ECHONET Lite multicast; empty lets the kernel choose")
	fs.StringVar(&o.echonetGroup, "echonet-discovery-address", echonet.DefaultGroup, "where ECHONET Lite discovery is sent: the multicast group, or one node's address:port")
	fs.DurationVar(&o.history.Retention, "transaction-retention", transaction.DefaultRetention,
		"how long an ended session is kept once the CSMS has all its events; 0 keeps it regardless of age")
	fs.IntVar(&o.history.History, "transaction-history", transaction.DefaultHistory,
		"ended sessions kept per charger at most, oldest deleted first; 0: no limit")
	fs.BoolVar(&o.init, "init", false, "start with a new, empty store where state.db is missing or empty although gwd ran with this data directory before")
	o.storeQuota = byteSize(store.DefaultQuotaBytes)
	fs.Var(&o.storeQuota, "store-quota", "space the store may use, e.g. 512MiB; past it writes fail and deletes still work; 0: no quota")
	fs.DurationVar(&o.eventAge, "event-log-age", time.Hour, "keep events this long for watches to resume from (at least the last 10,000)")
	fs.IntVar(&o.eventMax, "event-log-max", 100_000, "keep at most this many events whatever their age, so a flood of writes cannot grow the store")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level (trace, debug, info, warn, error), then component=level pairs, e.g. info,drivers/modbus=debug,ocpp/CP001=trace; changed at run time with gwctl log-level")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&o.log.Lang, "lang", string(i18n.FromEnv(os.Getenv)), "language of log messages at info and above: en or ja (the default comes from LC_ALL, LC_MESSAGES or LANG); keys and values stay English")
	fs.StringVar(&o.log.File, "log-file", "", "write the log to this file instead of stderr, rotated at --log-max-size and gzipped")
	fs.IntVar(&o.log.MaxSizeMB, "log-max-size", 10, "size in MiB at which --log-file is rotated")
	fs.IntVar(&o.log.MaxAgeDays, "log-max-age", 30, "days a rotated log file is kept; 0 keeps them regardless of age")
	fs.IntVar(&o.log.MaxBackups, "log-max-backups", 10, "rotated log files kept at most; 0 keeps them all")
	showVersion := fs.Bool("version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *showVersion {
		fmt.Fprintf(errOut, "gwd %s %s\n", version, commit)
		return nil, errVersionShown
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.eventAge <= 0 || o.eventMax <= 0 {
		return nil, errors.New("--event-log-age and --event-log-max must be positive")
	}
	if err := o.history.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

var errVersionShown = errors.New("version shown")

func newLogger(o *options, w io.Writer) (*logging.Logger, error) {
	lo := o.log
	lo.Levels, lo.Format, lo.Stderr = o.logLevel, o.logFormat, w
	log, err := logging.New(lo)
	if err != nil {
		return nil, fmt.Errorf("--log-level, --log-format or --log-file: %w", err)
	}
	return log, nil
}

func run(args []string, errOut io.Writer) int {
	if len(args) > 0 && storeCommands[args[0]] != nil {
		return runStoreCommand(args[0], args[1:], errOut)
	}
	o, err := parseFlags(args, errOut)
	if errors.Is(err, errVersionShown) || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(errOut, "gwd:", err)
		return 2
	}
	logger, err := newLogger(o, errOut)
	if err != nil {
		fmt.Fprintln(errOut, "gwd:", err)
		return 2
	}
	defer logger.Close()
	log := logger.Logger
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	if err := runDaemon(ctx, o, logger, hup); err != nil {
		log.Error("gwd stopped", "err", err)
		return 1
	}
	log.Info("gwd stopped")
	return 0
}
