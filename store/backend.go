package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// openBolt opens the bbolt file at path. A new file is initialised under a
// temporary name and renamed into place, because power loss during bbolt's very
// first initialisation can leave a corrupt file (bbolt README, Known Issues).
func openBolt(path string, noSync bool) (*bolt.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create store directory: %w", err)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		if err := createFile(path); err != nil {
			return nil, err
		}
	}
	db, err := bolt.Open(path, 0o600, boltOptions(noSync))
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("open store %s: locked by another process (is gwd already running?)", path)
		}
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := db.Update(initSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return db, nil
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
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("initialise store: %w", err)
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("initialise store: %w", err)
	}
	defer dir.Close()
	if err := dir.Sync(); err != nil {
		return fmt.Errorf("initialise store: sync directory: %w", err)
	}
	return nil
}
