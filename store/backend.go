package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// openBolt opens the bbolt file at path. A new file is initialised under a
// temporary name and renamed into place, because power loss during bbolt's very
// first initialisation can leave a corrupt file (bbolt README, Known Issues).
//
// An existing file is checked before use: bbolt validates the meta pages,
// and, with fullCheck, a consistency check walks every page. A damaged file,
// or a 0-byte one unless init is set, fails with ErrCorrupt or ErrEmptyFile
// and never panics.
func openBolt(path string, noSync, init, fullCheck bool, lockWait time.Duration, log *slog.Logger) (*bolt.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create store directory: %w", err)
	}
	if err := checkEmpty(path, init); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := createFile(path); err != nil {
			return nil, err
		}
	}
	open := openMeta
	if fullCheck {
		open = openVerified
	}
	o := boltOptions(noSync)
	o.Timeout = lockWait
	db, err := open(path, o, log)
	if err != nil {
		return nil, err
	}
	if err := guard(func() error { return db.Update(initSchema) }); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return db, nil
}

// openVerified opens the existing file at path and runs the full
// consistency check: what the offline commands use.
func openVerified(path string, o *bolt.Options, log *slog.Logger) (*bolt.DB, error) {
	db, err := openMeta(path, o, log)
	if err != nil {
		return nil, err
	}
	if err := checkConsistency(db, path); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openMeta opens the existing file at path with bbolt, which validates the
// meta pages. Every failure caused by the file's content is ErrCorrupt.
func openMeta(path string, o *bolt.Options, log *slog.Logger) (*bolt.DB, error) {
	if bad := damagedMetaPages(path); len(bad) == 1 {
		log.Warn("one of the store's two meta pages is damaged; it was opened from the other, "+
			"which may lack the last write before the damage. Check recent objects, and restore a backup if one is missing",
			"file", path, "metaPage", bad[0])
	}
	db, err := openWaiting(path, o, log)
	if err != nil {
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			return nil, fmt.Errorf("open store %s: still locked by another process after %v (is gwd running? stop it first)", path, o.Timeout)
		case errors.Is(err, ErrCorrupt):
			return nil, err
		case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum),
			errors.Is(err, bolterrors.ErrVersionMismatch):
			return nil, corruptError(path, err)
		}
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return db, nil
}

// lockNotice is how long an open waits for the file lock before it says
// that it is waiting.
const lockNotice = 500 * time.Millisecond

// openWaiting opens the file, waiting up to o.Timeout for the lock that
// another process holds: a gwd restarted while the old one still closes
// its store waits for it, and says so, rather than failing.
func openWaiting(path string, o *bolt.Options, log *slog.Logger) (*bolt.DB, error) {
	wait := o.Timeout
	if wait <= lockNotice {
		return openChecked(path, o)
	}
	first := *o
	first.Timeout = lockNotice
	db, err := openChecked(path, &first)
	if !errors.Is(err, bolterrors.ErrTimeout) {
		return db, err
	}
	log.Warn("the store file is locked by another process; waiting for it (a gwd still stopping?)", "file", path, "upTo", wait)
	rest := *o
	rest.Timeout = wait - lockNotice
	db, err = openChecked(path, &rest)
	if err == nil {
		log.Info("store lock taken", "file", path)
	}
	return db, err
}

func boltOptions(noSync bool) *bolt.Options {
	return &bolt.Options{
		Timeout:      2 * time.Second,
		NoSync:       noSync,
		FreelistType: bolt.FreelistMapType,
	}
}

func createFile(path string) error {
	tmp := path + ".init"
	_ = os.Remove(tmp)
	db, err := bolt.Open(tmp, 0o600, boltOptions(false))
	if err != nil {
		return fmt.Errorf("initialise store %s: %w", tmp, err)
	}
	if err := db.Update(initSchema); err != nil {
		db.Close()
		return fmt.Errorf("initialise store %s: %w", tmp, err)
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("initialise store %s: %w", tmp, err)
	}
	if err := replaceFile(tmp, path); err != nil {
		return fmt.Errorf("initialise store: %w", err)
	}
	return nil
}
