package store

import (
	"errors"
	"fmt"
)

// Sentinel errors. Callers test them with errors.Is; the returned errors wrap
// them with the kind, name and revisions involved.
var (
	ErrNotFound  = errors.New("store: not found")
	ErrExists    = errors.New("store: already exists")
	ErrConflict  = errors.New("store: conflict")
	ErrCompacted = errors.New("store: required revision has been compacted")
	ErrInvalid   = errors.New("store: invalid object")
	ErrClosed    = errors.New("store: closed")
)

// Sentinel errors of the at-rest encryption of sealed kinds (seal.go).
var (
	ErrNoKey    = errors.New("store: no encryption key")
	ErrWrongKey = errors.New("store: wrong encryption key")
	ErrTampered = errors.New("store: encrypted data failed authentication")
)

// Sentinel errors of the store's self-protection (verify.go, quota.go).
var (
	// ErrCorrupt: the file is damaged, or a damaged page was met at run
	// time. The store refuses further writes; restore from a backup.
	ErrCorrupt = errors.New("store: file is damaged")
	// ErrEmptyFile: the file exists with 0 bytes, where a store was
	// expected. Options.Init creates a new store over it.
	ErrEmptyFile = errors.New("store: file is empty")
	// ErrFutureRevision: a watch asked for a revision the store has not
	// reached, as after a restore or a re-initialised store. The client
	// must list again.
	ErrFutureRevision = errors.New("store: revision is newer than the store's")
	// ErrNoSpace: the file's used space is past Options.QuotaBytes. Deletes
	// and compaction still work, as with etcd's NOSPACE alarm.
	ErrNoSpace = errors.New("store: database space exceeded")
)

// Error is a store failure with what it was about: the sentinel that
// callers test with errors.Is, and Detail, the explanation without the
// sentinel's words, which the API puts in its answers as it is.
type Error struct {
	Sentinel error
	Detail   string
	// Hint, when set, is what the operator does about it (RestoreHint for
	// a damaged file). It ends the message and is not part of Detail.
	Hint string
}

func (e *Error) Error() string {
	if e.Hint != "" {
		return e.Sentinel.Error() + ": " + e.Detail + "; " + e.Hint
	}
	return e.Sentinel.Error() + ": " + e.Detail
}

// Unwrap makes errors.Is(err, e.Sentinel) true.
func (e *Error) Unwrap() error { return e.Sentinel }

// errorf makes an *Error of sentinel with a formatted detail.
func errorf(sentinel error, format string, args ...any) error {
	return &Error{Sentinel: sentinel, Detail: fmt.Sprintf(format, args...)}
}

// Detail returns the explanation of a store error without its sentinel's
// words, e.g. `Charger "ch-1": resourceVersion 5 is stale (current 7)`,
// or err's whole text when it is not an *Error.
func Detail(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Detail
	}
	return err.Error()
}
