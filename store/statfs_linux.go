package store

import (
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
