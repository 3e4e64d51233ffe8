package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/manifest"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// SourceLabel marks the objects applied from the configuration directory, so
// a later sync prunes the ones whose files were removed and leaves objects
// applied by hand alone.
const (
	SourceLabel      = "ocppgw.dev/source"
	SourceConfigDir  = "config-dir"
	configSyncPrefix = SourceLabel + "=" + SourceConfigDir
)

// configSync applies a directory of YAML through the admin API, the same path
// `gwctl apply --prune` takes. It is all or nothing: an invalid file leaves
// what was applied before in force.
type configSync struct {
	dir    string
	server string
	token  string     // gwd's in-memory admin token
	cert   certSource // the API's certificate, which the sync trusts
	log    *slog.Logger
}

// errNoResources: the directory has no documents, which the API refuses to
// apply; what was applied before stays.
var errNoResources = errors.New("no resources")

func (c *configSync) run(ctx context.Context) {
	if c.dir == "" {
		return
	}
	res, err := c.apply(ctx)
	if errors.Is(err, errNoResources) {
		// A packaged gwd starts with an empty config.d: not an error.
		c.log.Info("configuration directory holds no resources; nothing applied", "dir", c.dir)
		return
	}
	if err != nil {
		c.log.Error("configuration directory not applied; the previous configuration stays in force", "dir", c.dir, "err", err)
		return
	}
	counts := map[string]int{}
	for _, it := range res.Items {
		counts[string(it.Action)]++
	}
	c.log.Info("configuration directory applied", "dir", c.dir, "created", counts["created"],
		"configured", counts["configured"], "unchanged", counts["unchanged"], "pruned", counts["pruned"])
}

func (c *configSync) apply(ctx context.Context) (*v1alpha1.ApplyResult, error) {
	docs, err := manifest.ReadFiles([]string{c.dir}, true, nil)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, errNoResources
	}
	for _, d := range docs {
		if d.Object.Metadata.Labels == nil {
			d.Object.Metadata.Labels = map[string]string{}
		}
		d.Object.Metadata.Labels[SourceLabel] = SourceConfigDir
	}
	body, err := manifest.Encode(docs)
	if err != nil {
		return nil, err
	}
	ca, err := caData(c.cert)
	if err != nil {
		return nil, err
	}
	cl, err := client.New(&client.Config{Server: c.server, Token: c.token, CertificateAuthorityData: ca})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	res, err := cl.Apply(ctx, body, client.ApplyOptions{Prune: true, Selector: configSyncPrefix})
	if err != nil {
		return nil, locateApplyError(err, docs)
	}
	return res, nil
}

// locateApplyError names the file and document of each cause of a rejected
// apply: the server counts documents in the order they were sent.
func locateApplyError(err error, docs []manifest.Doc) error {
	var se *client.StatusError
	if !errors.As(err, &se) || se.Status.Details == nil || len(se.Status.Details.Causes) == 0 {
		return err
	}
	head, _, _ := strings.Cut(se.Status.Message, ": document ")
	lines := []string{head}
	for _, c := range se.Status.Details.Causes {
		lines = append(lines, manifest.LocateCause(c, docs))
	}
	return errors.New(strings.Join(lines, "\n  "))
}
