package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// runRotateKey (gwd rotate-key [--data-dir DIR] [--encryption-key-file F])
// replaces the key that seals Secrets with a new random one, gwd stopped.
//
// The steps survive a crash at any point, and running the command again
// finishes the job: the new key is written and synced as F.new first;
// the store moves every sealed value to it in one transaction; the old key
// is linked to F.old-<key id> for the backups taken before; F.new is then
// renamed over F. An F.new left by an interrupted run is used again.
func runRotateKey(dataDir, keyPath string, out io.Writer) error {
	if keyPath == "" {
		keyPath = filepath.Join(dataDir, keyFile)
	}
	oldKey, err := readKeyFile(keyPath)
	if err != nil {
		return err
	}
	newPath := keyPath + ".new"
	newKey, err := loadEncryptionKey(newPath, true)
	if err != nil {
		return err
	}
	oldID, _ := store.KeyID(oldKey)
	newID, _ := store.KeyID(newKey)
	if oldID == newID {
		return fmt.Errorf("%s holds the same key as %s: remove %s and run again", newPath, keyPath, newPath)
	}
	moved, err := store.Rekey(filepath.Join(dataDir, storeFile), oldKey, newKey, v1alpha1.SealedKinds())
	if err != nil {
		return fmt.Errorf("%w (the new key stays in %s; run gwd rotate-key again)", err, newPath)
	}
	oldPath := keyPath + ".old-" + oldID
	if err := os.Link(keyPath, oldPath); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("keep the old key as %s: %w (the store already uses the key in %s: run gwd rotate-key again)", oldPath, err, newPath)
	}
	if err := os.Rename(newPath, keyPath); err != nil {
		return fmt.Errorf("put the new key in place: %w (the store already uses the key in %s: run gwd rotate-key again)", err, newPath)
	}
	if err := syncDir(filepath.Dir(keyPath)); err != nil {
		return err
	}
	fmt.Fprintf(out, "gwd rotate-key: %d sealed values moved to key %s in %s\n", moved, newID, keyPath)
	fmt.Fprintf(out, "the old key %s is kept as %s: backups taken before need it; move it to where they are kept, or delete it. Back up the new key.\n", oldID, oldPath)
	return nil
}
