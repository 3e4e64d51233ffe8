package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // ClockCtrlr.TimeZone works without the host's zoneinfo

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/connlimit"
	"github.com/ocppgw/ocppgw/api/servingcert"
	"github.com/ocppgw/ocppgw/cmd/internal/clidocs"
	"github.com/ocppgw/ocppgw/controllers/transaction"
	"github.com/ocppgw/ocppgw/drivers"
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
	// apiTLSSecret, or apiTLSCertFile and apiTLSKeyFile, are the admin
	// API's certificate.
	apiTLSSecret, apiTLSCertFile, apiTLSKeyFile string
	// auditLog is the audit log file; empty: <data-dir>/audit.log.
	auditLog string
	// apiMaxConns caps the admin API's open connections (connlimit).
	apiMaxConns int
	configDir   string
	keyFile     string // empty: <data-dir>/secret.key, created if missing
	logLevel    string
	logFormat   string
	// log is the --log-file and its rotation.
	log logging.Options

	// driverConfigs builds each protocol's opener configuration from
	// the protocols' own flags (drivers.AddFlags).
	driverConfigs func() map[string]any

	// init allows a missing or 0-byte store where one was before.
	init bool
	// storeQuota bounds the space the store file uses.
	storeQuota byteSize
	// eventAge and eventMax bound the store's event log (watch resumption).
	eventAge time.Duration
	eventMax int

	// history bounds the ended sessions kept as Transactions.
	history transaction.Options

	showVersion bool
	profiling   bool
}

// addFlags defines gwd's daemon flags on fs. Each can also be set by an
// OCPPGW_<FLAG> variable or a key of the --config file (settings.go).
func (o *options) addFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.dataDir, "data-dir", client.DefaultDataDir(), "directory of the state store and gwctl.yaml")
	fs.StringVar(&o.apiListen, "api-listen", "127.0.0.1:8443", "address of the admin API (HTTPS with bearer tokens); 0.0.0.0:8443 serves every interface")
	fs.StringVar(&o.apiTLSSecret, "api-tls-secret", servingcert.DefaultSecret, "tls Secret of the admin API's certificate; gwd makes "+servingcert.DefaultSecret+" self-signed when it is missing")
	fs.StringVar(&o.apiTLSCertFile, "api-tls-cert-file", "", "PEM certificate (chain) of the admin API, instead of the Secret; read at start")
	fs.StringVar(&o.apiTLSKeyFile, "api-tls-key-file", "", "PEM private key of --api-tls-cert-file")
	fs.StringVar(&o.auditLog, "audit-log", "", "file of the admin API's audit log, JSON lines rotated at 10 MiB and gzipped (default <data-dir>/audit.log)")
	fs.IntVar(&o.apiMaxConns, "api-max-connections", connlimit.DefaultMax,
		"admin API connections served at once; over it /healthz is still answered and other requests get 503")
	fs.StringVar(&o.configDir, "config-dir", "", "directory of YAML resources applied at start and on SIGHUP")
	fs.StringVar(&o.keyFile, "encryption-key-file", "", "file of the 32-byte key that encrypts Secrets in the store, mode 0600 (default <data-dir>/"+keyFile+", created if missing)")
	o.driverConfigs = drivers.AddFlags(fs)
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
	fs.BoolVar(&o.showVersion, "version", false, "print the version and exit")
	fs.BoolVar(&o.profiling, "profiling", false, "serve Go profiles (heap, goroutines, CPU) at /debug/pprof/ on the admin API, to admin tokens")
}

// validate checks what the flag types alone cannot.
func (o *options) validate() error {
	if o.eventAge <= 0 || o.eventMax <= 0 {
		return errors.New("--event-log-age and --event-log-max must be positive")
	}
	return o.history.Validate()
}

// newRootCmd builds gwd's command tree: the daemon itself and the offline
// store commands. Settings are layered flags > OCPPGW_* > --config file >
// defaults before any command runs.
func newRootCmd(errOut io.Writer) (*cobra.Command, *options) {
	o := &options{}
	cmd := &cobra.Command{
		Use:   "gwd",
		Short: "the ocppgw daemon",
		Long: `gwd is the ocppgw daemon: it opens the state store, serves the admin API,
runs the controllers and applies a configuration directory at start and on
SIGHUP. Under systemd (Type=notify) it reports READY once it serves and
pings the watchdog.

Every flag can also be set by an environment variable, OCPPGW_ and the
flag's name in capitals with _ for - (OCPPGW_LOG_LEVEL=debug), or by a key of
the YAML file named by --config or $OCPPGW_CONFIG (log-level: debug). Flags
win over variables, and variables over the file.`,
		Args:              cobra.NoArgs,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: applySettings,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.showVersion {
				fmt.Fprintf(errOut, "gwd %s %s\n", version, commit)
				return nil
			}
			if err := o.validate(); err != nil {
				return err
			}
			return runService(o, errOut)
		},
	}
	cmd.SetOut(errOut)
	cmd.SetErr(errOut)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return fmt.Errorf("%w\nSee '%s --help' for usage", err, c.CommandPath())
	})
	cmd.PersistentFlags().String(configFlag, "", "YAML file of settings whose keys are gwd's flag names (e.g. /etc/ocppgw/gwd.yaml)")
	o.addFlags(cmd.Flags())
	cmd.AddCommand(newStoreCmds(errOut)...)
	cmd.AddCommand(clidocs.Command())
	return cmd, o
}

// parseFlags parses the daemon's flags, settings and checks as gwd does at
// start, without running it.
func parseFlags(args []string, errOut io.Writer) (*options, error) {
	cmd, o := newRootCmd(errOut)
	if err := cmd.ParseFlags(args); err != nil {
		return nil, err
	}
	if err := applySettings(cmd, nil); err != nil {
		return nil, err
	}
	return o, o.validate()
}

// exitError ends gwd with code; a nil err has been reported already.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func newLogger(o *options, w io.Writer) (*logging.Logger, error) {
	lo := o.log
	lo.Levels, lo.Format, lo.Stderr = o.logLevel, o.logFormat, w
	log, err := logging.New(lo)
	if err != nil {
		return nil, fmt.Errorf("--log-level, --log-format or --log-file: %w", err)
	}
	return log, nil
}

// run executes one gwd invocation and returns its exit code: 0, 1 when gwd
// or a store command failed, 2 for bad flags or settings.
func run(args []string, errOut io.Writer) int {
	cmd, _ := newRootCmd(errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	var ee *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		if ee.err != nil {
			fmt.Fprintln(errOut, "gwd", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(errOut, "gwd:", err)
	return 2
}

// runService runs the daemon until SIGINT or SIGTERM.
func runService(o *options, errOut io.Writer) error {
	logger, err := newLogger(o, errOut)
	if err != nil {
		return err
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
		return &exitError{code: 1}
	}
	log.Info("gwd stopped")
	return nil
}
