package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestKeyFileCreatedPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), keyFile)
	key, err := loadEncryptionKey(path, true)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Size() != 32 || len(key) != 32 {
		t.Fatalf("key file mode %04o, %d bytes; key %d bytes", fi.Mode().Perm(), fi.Size(), len(key))
	}
	again, err := loadEncryptionKey(path, true)
	if err != nil || !bytes.Equal(again, key) {
		t.Fatalf("second start must read the same key: %v", err)
	}
	if bytes.Equal(key, make([]byte, 32)) {
		t.Fatal("key is all zero")
	}
	if left, _ := filepath.Glob(path + ".new-*"); len(left) != 0 {
		t.Errorf("temporary key files left behind: %v", left)
	}
}

func TestKeyFileRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mode   os.FileMode
		size   int
		create bool
		want   string
	}{
		{"world-readable", 0o644, 32, true, "group and others must have no access"},
		{"group-readable", 0o640, 32, true, "has mode 0640"},
		{"short", 0o600, 16, true, "exactly 32 bytes, it holds 16"},
		{"long", 0o600, 64, true, "exactly 32 bytes, it holds 64"},
		{"missing and named by the flag", 0, 0, false, "does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), keyFile)
			if tc.mode != 0 {
				if err := os.WriteFile(path, bytes.Repeat([]byte{1}, tc.size), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tc.mode); err != nil {
					t.Fatal(err)
				}
			}
			_, err := loadEncryptionKey(path, tc.create)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want an error containing %q, got %v", tc.want, err)
			}
			if _, serr := os.Stat(path); tc.mode == 0 && serr == nil {
				t.Error("a key file named by the flag was created")
			}
		})
	}
}
