package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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

// storeCommands are gwd's offline maintenance commands; each needs gwd
// stopped, as it takes the store file's lock.
var storeCommands = map[string]func(args []string, out io.Writer) error{
	"check":      runCheck,
	"defrag":     runDefrag,
	"restore":    runRestore,
	"rotate-key": runRotateKey,
}

// runStoreCommand runs a maintenance command and returns gwd's exit code.
func runStoreCommand(name string, args []string, out io.Writer) int {
	err := storeCommands[name](args, out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintf(out, "gwd %s: %v\n", name, err)
		return 1
	}
	return 0
}

// runCheck: gwd check [--data-dir DIR] [FILE] runs gwd's start-up checks
// on FILE (a backup, say) or on state.db, read-only.
func runCheck(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("gwd check", flag.ContinueOnError)
	fs.SetOutput(out)
	dataDir := fs.String("data-dir", client.DefaultDataDir(), "directory of the state store")
	if err := fs.Parse(args); err != nil {
		return err
	}
	path := filepath.Join(*dataDir, storeFile)
	switch fs.NArg() {
	case 0:
	case 1:
		path = fs.Arg(0)
	default:
		return errors.New("want at most one argument: the store file to check")
	}
	if err := store.Verify(path); err != nil {
		return err
	}
	fmt.Fprintf(out, "gwd check: %s is sound\n", path)
	return nil
}

// runDefrag: gwd defrag [--data-dir DIR] rewrites state.db without its free
// pages, so the file shrinks to what it holds.
func runDefrag(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("gwd defrag", flag.ContinueOnError)
	fs.SetOutput(out)
	dataDir := fs.String("data-dir", client.DefaultDataDir(), "directory of the state store")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	before, after, err := store.Defrag(filepath.Join(*dataDir, storeFile))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "gwd defrag: %s: %d bytes before, %d after\n", filepath.Join(*dataDir, storeFile), before, after)
	return nil
}

// runRestore: gwd restore [--data-dir DIR] BACKUP checks the backup and puts
// it in place of state.db, keeping the old file as state.db.replaced.
func runRestore(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("gwd restore", flag.ContinueOnError)
	fs.SetOutput(out)
	dataDir := fs.String("data-dir", client.DefaultDataDir(), "directory of the state store")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("want one argument: the backup file")
	}
	if err := os.MkdirAll(*dataDir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	path := filepath.Join(*dataDir, storeFile)
	if err := store.Restore(fs.Arg(0), path); err != nil {
		return err
	}
	fmt.Fprintf(out, "gwd restore: %s restored from %s; clients watching from a later revision will list again\n", path, fs.Arg(0))
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
