package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/store"
)

// clientConfigFile is the gwctl.yaml gwd writes into the data directory at
// every start; its presence shows a store was there before.
const clientConfigFile = "gwctl.yaml"

// checkPreviousStore refuses a missing store file in a data directory where
// gwd ran before: a lost state.db must not become an empty store that a
// client resuming at its old revision waits on forever. --init allows it.
func checkPreviousStore(dataDir string, init bool) error {
	db := filepath.Join(dataDir, storeFile)
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) || init {
		return nil
	}
	cfg := filepath.Join(dataDir, clientConfigFile)
	if _, err := os.Stat(cfg); err != nil {
		return nil // a new data directory
	}
	return fmt.Errorf("store %s is missing, but %s shows gwd ran with this data directory before; %s",
		db, cfg, store.RestoreHint)
}

// newStoreCmds returns gwd's offline maintenance commands; each needs gwd
// stopped, as it takes the store file's lock. A failure exits 1.
func newStoreCmds(out io.Writer) []*cobra.Command {
	cmds := []*cobra.Command{
		{Use: "check [FILE]", Short: "check state.db, or FILE (a backup, say), as gwd does at start, read-only",
			Args: argCount(0, 1, "at most one argument: the store file to check")},
		{Use: "defrag", Short: "(gwd stopped) rewrite state.db without its free pages, so the file shrinks to what it holds",
			Args: argCount(0, 0, "no arguments")},
		{Use: "restore BACKUP", Short: "(gwd stopped) check BACKUP and put it in place of state.db, keeping the old file as state.db.replaced",
			Args: argCount(1, 1, "one argument: the backup file")},
		{Use: "rotate-key", Short: "(gwd stopped) seal every Secret with a new random key, keeping the old key aside for older backups",
			Args: argCount(0, 0, "no arguments")},
		{Use: "admin-token NAME", Short: "(gwd stopped) make a new admin token and write it into gwctl.yaml: the way back in when every admin token is lost",
			Args: argCount(1, 1, "one argument: the new token's name")},
	}
	keyPath := cmds[3].Flags().String("encryption-key-file", "", "the key file gwd uses (default <data-dir>/"+keyFile+")")
	rotate := func(dataDir string, _ []string, out io.Writer) error { return runRotateKey(dataDir, *keyPath, out) }
	tokenKey := cmds[4].Flags().String("encryption-key-file", "", "the key file gwd uses (default <data-dir>/"+keyFile+")")
	admin := func(dataDir string, args []string, out io.Writer) error {
		return runAdminToken(dataDir, *tokenKey, args, out)
	}
	runs := []func(dataDir string, args []string, out io.Writer) error{runCheck, runDefrag, runRestore, rotate, admin}
	for i, c := range cmds {
		dataDir := c.Flags().String("data-dir", client.DefaultDataDir(), "directory of the state store")
		run := runs[i]
		c.RunE = func(c *cobra.Command, args []string) error {
			if err := run(*dataDir, args, out); err != nil {
				return &exitError{code: 1, err: fmt.Errorf("%s: %w", c.Name(), err)}
			}
			return nil
		}
	}
	return cmds
}

// argCount accepts min to max arguments and says what it wants otherwise.
func argCount(min, max int, want string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < min || len(args) > max {
			return fmt.Errorf("%s: want %s", c.Name(), want)
		}
		return nil
	}
}

// runCheck runs gwd's start-up checks on args[0] or on state.db.
func runCheck(dataDir string, args []string, out io.Writer) error {
	path := filepath.Join(dataDir, storeFile)
	if len(args) == 1 {
		path = args[0]
	}
	if err := store.Verify(path); err != nil {
		return err
	}
	fmt.Fprintf(out, "gwd check: %s is sound\n", path)
	return nil
}

// runDefrag rewrites state.db without its free pages.
func runDefrag(dataDir string, _ []string, out io.Writer) error {
	path := filepath.Join(dataDir, storeFile)
	before, after, err := store.Defrag(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "gwd defrag: %s: %d bytes before, %d after\n", path, before, after)
	return nil
}

// runRestore checks the backup args[0] and puts it in place of state.db.
func runRestore(dataDir string, args []string, out io.Writer) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	path := filepath.Join(dataDir, storeFile)
	if err := store.Restore(args[0], path); err != nil {
		return err
	}
	fmt.Fprintf(out, "gwd restore: %s restored from %s; clients watching from a later revision will list again\n", path, args[0])
	return nil
}

// sizeUnits are the suffixes of a byteSize, largest first.
var sizeUnits = []struct {
	suffix string
	mult   int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}}

// byteSize is a flag value of bytes with an optional KiB, MiB or GiB suffix.
type byteSize int64

func (b *byteSize) String() string {
	for _, u := range sizeUnits {
		if n := int64(*b); n != 0 && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(*b), 10)
}

// Type names the value in --help.
func (b *byteSize) Type() string { return "bytes" }

func (b *byteSize) Set(s string) error {
	mult := int64(1)
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = num, u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return fmt.Errorf("want a number of bytes, optionally with KiB, MiB or GiB")
	}
	*b = byteSize(n * mult)
	return nil
}

// storeQuota maps the --store-quota flag to store.Options.QuotaBytes,
// where 0 means the default: a quota of 0 on the command line means none.
func storeQuota(b byteSize) int64 {
	if b == 0 {
		return -1
	}
	return int64(b)
}
