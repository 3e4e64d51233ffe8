package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/internal/i18n"
)

// rootOptions are the persistent flags every command shares.
type rootOptions struct {
	configPath     string
	server         string
	requestTimeout time.Duration
	lang           i18n.Lang
	langFlag       string // parsed by cobra too, but read earlier by execute
}

// newRootCmd builds the whole command tree around streams.
func newRootCmd(streams IOStreams) *cobra.Command {
	o := &rootOptions{lang: streams.Lang}
	cmd := &cobra.Command{
		Use:           "gwctl",
		Short:         o.t("gwctl.root.short"),
		Long:          o.t("gwctl.root.long"),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	cmd.SetFlagErrorFunc(o.usageError)
	cmd.SetIn(streams.In)
	cmd.SetOut(streams.Out)
	cmd.SetErr(streams.ErrOut)
	f := cmd.PersistentFlags()
	f.StringVar(&o.configPath, "config", "", o.t("gwctl.flag.config"))
	f.StringVar(&o.server, "server", "", o.t("gwctl.flag.server"))
	f.DurationVar(&o.requestTimeout, "request-timeout", 30*time.Second, o.t("gwctl.flag.requestTimeout"))
	f.StringVar(&o.langFlag, "lang", "", o.t("gwctl.flag.lang"))

	cmd.AddCommand(
		newApplyCmd(o, streams),
		newGetCmd(o, streams),
		newDescribeCmd(o, streams),
		newDeleteCmd(o, streams),
		newDiffCmd(o, streams),
		newVersionCmd(o, streams),
		newMappingCmd(o, streams),
		newChargerCmd(o, streams),
		newDiscoverCmd(o, streams),
		newTokenCmd(o, streams),
		newBackupCmd(o, streams),
		newLogLevelCmd(o, streams),
		newAuditCmd(o, streams),
	)
	o.localizeHelp(cmd)
	return cmd
}

// newClient loads the configuration and builds a client; nothing is sent
// yet. Commands call it only once local checks pass, so `version --client`
// and invalid manifests never need a configured server.
func (o *rootOptions) newClient() (*client.Client, error) {
	cfg, err := o.loadConfig()
	if err != nil {
		return nil, err
	}
	if o.server != "" {
		cfg.Server = o.server
	}
	if cfg.Server == "" {
		return nil, errors.New(o.t("gwctl.noServer"))
	}
	c, err := client.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.t("gwctl.client", "Server", cfg.Server), err)
	}
	return c, nil
}

// loadConfig returns the first configuration found. A path the user named
// (--config, $GWCTL_CONFIG) must exist; the default locations may not.
func (o *rootOptions) loadConfig() (*client.Config, error) {
	explicit := o.configPath
	if explicit == "" {
		explicit = os.Getenv("GWCTL_CONFIG")
	}
	if explicit != "" {
		cfg, err := client.LoadConfig(explicit)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.t("gwctl.loadConfig", "Path", explicit), err)
		}
		return cfg, nil
	}
	paths := client.ConfigPaths("")
	for _, p := range paths {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		cfg, err := client.LoadConfig(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.t("gwctl.loadConfig", "Path", p), err)
		}
		return cfg, nil
	}
	if o.server != "" {
		return &client.Config{}, nil
	}
	return nil, errors.New(o.t("gwctl.noConfig", "Paths", strings.Join(paths, ", ")))
}

// requestContext bounds one non-watch request by --request-timeout.
func (o *rootOptions) requestContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if o.requestTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, o.requestTimeout)
}

// usageError points at --help after a flag error, as kubectl does.
func (o *rootOptions) usageError(c *cobra.Command, err error) error {
	return fmt.Errorf("%w\n%s", err, o.t("gwctl.seeHelp", "Command", c.CommandPath()))
}
