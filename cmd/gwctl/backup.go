package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/store"
)

// backupOptions holds the arguments of `gwctl backup`.
type backupOptions struct {
	root    *rootOptions
	streams IOStreams
	file    string
	force   bool
}

func newBackupCmd(root *rootOptions, streams IOStreams) *cobra.Command {
	o := &backupOptions{root: root, streams: streams}
	cmd := &cobra.Command{
		Use:     "backup FILE",
		Short:   root.t("gwctl.backup.short"),
		Long:    root.t("gwctl.backup.long"),
		Example: `  gwctl backup /var/backups/ocppgw/state-$(date +%F).db`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&o.force, "force", false, "overwrite FILE if it exists")
	return cmd
}

// Validate refuses to overwrite an existing FILE without --force, and a
// FILE that is a directory in any case, before anything is downloaded.
func (o *backupOptions) Validate() error {
	fi, err := os.Stat(o.file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("backup to %s: %w", o.file, err)
	case fi.IsDir():
		return fmt.Errorf("backup to %s: it is a directory; name a file", o.file)
	case !o.force:
		return fmt.Errorf("backup to %s: the file exists; pass --force to overwrite it", o.file)
	}
	return nil
}

// errStalled ends a backup whose data stopped coming.
var errStalled = errors.New("no data from gwd")

// Run downloads the snapshot to FILE.part, checks it, and renames it. On
// any failure FILE.part is removed and FILE is left as it was.
func (o *backupOptions) Run(ctx context.Context) error {
	c, err := o.root.newClient()
	if err != nil {
		return err
	}
	part := o.file + ".part"
	defer os.Remove(part) // a no-op once renamed
	info, err := o.download(ctx, c, part)
	if err == nil {
		err = checkSnapshot(part, info)
	}
	if err == nil {
		err = o.keep(part)
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", o.file, err)
	}
	fmt.Fprintf(o.streams.Out, "Saved the store at revision %d to %s (%d bytes)\n", info.Revision, o.file, info.Size)
	return nil
}

// download streams the snapshot into part and syncs it. Each wait for data
// is bounded by --request-timeout.
func (o *backupOptions) download(ctx context.Context, c *client.Client, part string) (client.BackupInfo, error) {
	f, err := os.OpenFile(part, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return client.BackupInfo{}, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	w := &progressWriter{w: f}
	if d := o.root.requestTimeout; d > 0 {
		t := time.AfterFunc(d, func() { cancel(fmt.Errorf("%w for %s (--request-timeout)", errStalled, d)) })
		defer t.Stop()
		w.progress = func() { t.Reset(d) }
	}
	info, err := c.Backup(ctx, w)
	if cause := context.Cause(ctx); err != nil && errors.Is(cause, errStalled) {
		err = fmt.Errorf("%w: %w", cause, err)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return info, fmt.Errorf("download to %s: %w", part, err)
	}
	return info, nil
}

// checkSnapshot runs gwd's start-up checks on the downloaded file and
// compares its revision with the one gwd announced.
func checkSnapshot(part string, info client.BackupInfo) error {
	got, err := store.VerifyBackup(part)
	if errors.Is(err, store.ErrCorrupt) {
		// The store's advice (restore a backup) is about gwd's own file;
		// here the copy is bad, which a second try tells apart.
		return fmt.Errorf("the snapshot received is damaged (%s); try again, and if it is damaged again, "+
			"check gwd's log and /healthz: gwd's own store may be damaged", store.Detail(err))
	}
	if err != nil {
		return fmt.Errorf("the snapshot received is not a sound store: %w", err)
	}
	if got.Revision != info.Revision || got.Size != info.Size {
		return fmt.Errorf("the snapshot received holds revision %d in %d bytes, gwd announced revision %d in %d bytes",
			got.Revision, got.Size, info.Revision, info.Size)
	}
	return nil
}

// keep moves the checked snapshot to FILE and syncs its directory.
func (o *backupOptions) keep(part string) error {
	if err := o.place(part); err != nil {
		return err
	}
	dir, err := os.Open(filepath.Dir(o.file))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync() // the new name survives a crash
}

// place puts part at FILE. Without --force it links rather than renames,
// so that a FILE created meanwhile is never replaced; a file system
// without hard links (vfat) gets a rename after a last check.
func (o *backupOptions) place(part string) error {
	if !o.force {
		err := os.Link(part, o.file)
		if errors.Is(err, fs.ErrExist) {
			return errors.New("the file appeared during the download; pass --force to overwrite it")
		}
		if err == nil {
			return os.Remove(part)
		}
		if _, serr := os.Lstat(o.file); serr == nil {
			return errors.New("the file appeared during the download; pass --force to overwrite it")
		} else if !errors.Is(serr, fs.ErrNotExist) {
			return serr
		}
	}
	return os.Rename(part, o.file)
}

// progressWriter calls progress after every write.
type progressWriter struct {
	w        io.Writer
	progress func()
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if p.progress != nil {
		p.progress()
	}
	return n, err
}
