package store

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// defragTxSize bounds the bytes one transaction of Defrag copies.
const defragTxSize = 64 << 20

// Verify runs Open's checks on the file at path, read-only: nil when the
// file is a sound store. It fails on a store a running gwd has open.
func Verify(path string) error {
	db, err := openReadOnly(path)
	if err != nil {
		return err
	}
	return db.Close()
}

// openReadOnly opens an existing store file read-only after Open's checks.
func openReadOnly(path string) (*bolt.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("verify store: %w", err)
	}
	if err := checkEmpty(path, false); err != nil {
		return nil, err
	}
	o := boltOptions(false)
	o.ReadOnly = true
	return openVerified(path, o, slog.New(slog.DiscardHandler))
}

// Defrag rewrites the store file at path without its free pages, so the
// file shrinks to the data it holds: the store must be closed (gwd
// stopped). The file is checked first; the copy is written next to it,
// synced, and renamed over it, so a crash leaves either file whole. It
// returns the file's size before and after.
func Defrag(path string) (before, after int64, err error) {
	src, err := openReadOnly(path)
	if err != nil {
		return 0, 0, err
	}
	defer src.Close()
	before = fileSize(path)
	tmp := path + ".defrag"
	_ = os.Remove(tmp)
	dst, err := bolt.Open(tmp, 0o600, boltOptions(false))
	if err != nil {
		return 0, 0, fmt.Errorf("defrag %s: %w", path, err)
	}
	if err := guard(func() error { return bolt.Compact(dst, src, defragTxSize) }); err != nil {
		dst.Close()
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("defrag %s: %w", path, err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("defrag %s: %w", path, err)
	}
	if err := replaceFile(tmp, path); err != nil {
		return 0, 0, fmt.Errorf("defrag %s: %w", path, err)
	}
	return before, fileSize(path), nil
}

// Restore puts the backup file in place of the store file at path, which
// must be closed (gwd stopped). The backup is copied next to path and
// checked there first, so a damaged backup changes nothing. A store file
// already at path is kept as path.replaced, not deleted.
func Restore(backup, path string) error {
	if err := checkUnlocked(path); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	in, err := os.Open(backup)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer in.Close()
	tmp := path + ".restore"
	if err := copyFile(in, tmp); err != nil {
		return fmt.Errorf("restore %s: %w", backup, err)
	}
	if err := Verify(tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("restore: backup %s is not a sound store: %w", backup, err)
	}
	if _, err := os.Stat(path); err == nil {
		if err := os.Rename(path, path+".replaced"); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("restore: keep the old store: %w", err)
		}
	}
	if err := replaceFile(tmp, path); err != nil {
		return fmt.Errorf("restore %s: %w", backup, err)
	}
	return nil
}

// BackupInfo describes a snapshot of the store.
type BackupInfo struct {
	// Revision is the store's revision in the snapshot.
	Revision int64
	// Size is the snapshot's length in bytes.
	Size int64
}

// Backup writes a consistent snapshot of the store to w while it runs: one
// read transaction, so writers go on meanwhile. It returns the bytes
// written. The snapshot is a store file that Restore accepts.
func (s *Store) Backup(w io.Writer) (int64, error) { return s.BackupWith(w, nil) }

// BackupWith is Backup that first calls begin, if not nil, with the
// snapshot's revision and size, before its first byte is written: an HTTP
// answer sends them as headers. An error from begin ends the backup.
//
// The read transaction lasts until w has taken the whole snapshot, and
// while it lasts bbolt cannot remap the file: a write that needs a larger
// memory map waits. A caller streaming to a slow peer bounds how long w may stall.
func (s *Store) BackupWith(w io.Writer, begin func(BackupInfo) error) (int64, error) {
	var n int64
	err := s.view(func(tx *bolt.Tx) error {
		if begin != nil {
			info := BackupInfo{Revision: int64(tx.Bucket(bucketEvents).Sequence()), Size: tx.Size()}
			if err := begin(info); err != nil {
				return err
			}
		}
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("store: backup: %w", err)
	}
	return n, nil
}

// VerifyBackup runs Verify's checks on the store file at path, read-only,
// and returns the revision it holds and its size: the check a fresh backup
// gets before it is kept.
func VerifyBackup(path string) (BackupInfo, error) {
	db, err := openReadOnly(path)
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	var info BackupInfo
	err = guard(func() error {
		return db.View(func(tx *bolt.Tx) error {
			ev := tx.Bucket(bucketEvents)
			if ev == nil || tx.Bucket(bucketObjects) == nil {
				return fmt.Errorf("%s is a bbolt file but not a gwd store: it has no %s and %s buckets", path, bucketObjects, bucketEvents)
			}
			info = BackupInfo{Revision: int64(ev.Sequence()), Size: fileSize(path)}
			return nil
		})
	})
	if err != nil {
		return BackupInfo{}, fmt.Errorf("verify store: %w", err)
	}
	return info, nil
}

func copyFile(in io.Reader, path string) error {
	out, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(path)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(path)
		return err
	}
	return out.Close()
}

// replaceFile renames tmp over path and syncs the directory, so the rename
// survives a crash.
func replaceFile(tmp, path string) error {
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	return dir.Sync()
}
