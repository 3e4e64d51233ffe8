package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// fsAvailable returns the bytes an unprivileged writer may still use on the
// file system holding path, or -1 when it cannot be read.
func fsAvailable(path string) int64 {
	var st unix.Statfs_t
	if err := unix.Statfs(filepath.Dir(path), &st); err != nil {
		return -1
	}
	return int64(st.Bavail) * st.Bsize
}

// checkUnlocked fails when another process holds the store file's lock, as
// a running gwd does: a file it has open must not be replaced under it. A
// missing file is not locked.
func checkUnlocked(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return fmt.Errorf("store %s is locked by another process: stop gwd first", path)
	}
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}
