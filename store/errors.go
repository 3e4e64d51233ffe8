package store

import "errors"

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

// Sentinel errors of the at-rest encryption of Secrets (seal.go).
var (
	ErrNoKey    = errors.New("store: no encryption key")
	ErrWrongKey = errors.New("store: wrong encryption key")
	ErrTampered = errors.New("store: encrypted data failed authentication")
)
