package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ocppgw/ocppgw/store"
)

// keyFile is the default name of the store's encryption key in the data directory.
const keyFile = "secret.key"

// loadEncryptionKey reads the key that seals Secrets in the store. The
// default file is created on first start; a file named by
// --encryption-key-file must exist, because a new key made for a mistyped
// path could not open the Secrets already stored.
func loadEncryptionKey(path string, create bool) ([]byte, error) {
	key, err := readKeyFile(path)
	if !errors.Is(err, os.ErrNotExist) {
		return key, err
	}
	if !create {
		return nil, fmt.Errorf("encryption key file %s does not exist: create it with %d random bytes and mode 0600, or leave --encryption-key-file out", path, store.KeySize)
	}
	if err := createKeyFile(path); err != nil {
		return nil, err
	}
	return readKeyFile(path)
}

// readKeyFile refuses a key that others may read or change: it is all that
// protects the Secrets in the store file next to it.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("encryption key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("encryption key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("encryption key file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("encryption key file %s has mode %04o: group and others must have no access (chmod 600 %s)", path, perm, path)
	}
	key, err := io.ReadAll(io.LimitReader(f, store.KeySize+1))
	if err != nil {
		return nil, fmt.Errorf("encryption key file %s: %w", path, err)
	}
	if len(key) != store.KeySize {
		return nil, fmt.Errorf("encryption key file %s must hold exactly %d bytes, it holds %d", path, store.KeySize, fi.Size())
	}
	return key, nil
}

// createKeyFile writes a new random key under a temporary name and links it
// into place, so the key file is never seen half-written and two starts
// racing never replace each other's key.
func createKeyFile(path string) error {
	key := make([]byte, store.KeySize)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("generate encryption key: %w", err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, keyFile+".new-*") // mode 0600
	if err != nil {
		return fmt.Errorf("create encryption key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(key)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write encryption key file: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create encryption key file: %w", err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
