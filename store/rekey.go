package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"

	bolt "go.etcd.io/bbolt"
)

// KeyID returns the id under which a key seals values: what error messages
// and Rekey name a key by, without revealing it.
func KeyID(key []byte) (string, error) {
	s, err := newSealer(key)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", s.keyID), nil
}

// sealedKeyID returns the key id a sealed value names.
func sealedKeyID(v []byte) []byte {
	if !isSealed(v) || len(v) < headerLen {
		return nil
	}
	return v[len(sealPrefix)+len(sealVersion) : headerLen]
}

// Rekey moves every sealed value in the store file at path from oldKey to
// newKey: the objects of sealedKinds and their events in the event log, in
// one transaction, so either all of them move or none does. The store must
// be closed (gwd stopped). A value already under newKey is left as it is,
// so Rekey may run again after an interruption; an object of sealedKinds
// stored in plain JSON before encryption existed is sealed too. It returns
// the values moved.
func Rekey(path string, oldKey, newKey []byte, sealedKinds []string) (int, error) {
	from, err := newSealer(oldKey)
	if err != nil {
		return 0, fmt.Errorf("rekey: old key: %w", err)
	}
	to, err := newSealer(newKey)
	if err != nil {
		return 0, fmt.Errorf("rekey: new key: %w", err)
	}
	if from.aead == nil || to.aead == nil {
		return 0, fmt.Errorf("rekey: both keys are needed")
	}
	if err := checkEmpty(path, false); err != nil {
		return 0, err
	}
	db, err := openVerified(path, boltOptions(false), slog.New(slog.DiscardHandler))
	if err != nil {
		return 0, fmt.Errorf("rekey: %w", err)
	}
	moved := 0
	err = guard(func() error {
		return db.Update(func(tx *bolt.Tx) error {
			n, err := rekeyObjects(tx, from, to, newKindSet(sealedKinds))
			if err != nil {
				return err
			}
			m, err := rekeyEvents(tx, from, to)
			moved = n + m
			return err
		})
	})
	if cerr := db.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("rekey %s: %w; nothing was changed", path, err)
	}
	return moved, nil
}

// reseal returns v sealed under to, or nil when it already is.
func reseal(from, to *sealer, kind, name string, v []byte) ([]byte, error) {
	if bytes.Equal(sealedKeyID(v), to.keyID[:]) {
		return nil, nil
	}
	plain := v
	if isSealed(v) {
		var err error
		if plain, err = from.open(kind, name, v); err != nil {
			return nil, err
		}
	}
	return to.seal(kind, name, plain)
}

func rekeyObjects(tx *bolt.Tx, from, to *sealer, sealed kindSet) (int, error) {
	var kinds []string
	err := tx.Bucket(bucketObjects).ForEachBucket(func(k []byte) error {
		if sealed[string(k)] {
			kinds = append(kinds, string(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	moved := 0
	for _, kind := range kinds {
		b := tx.Bucket(bucketObjects).Bucket([]byte(kind))
		updates := map[string][]byte{}
		err := b.ForEach(func(name, v []byte) error {
			nv, err := reseal(from, to, kind, string(name), v)
			if nv != nil {
				updates[string(name)] = nv
			}
			return err
		})
		if err != nil {
			return 0, err
		}
		for name, v := range updates { // bbolt forbids writes inside ForEach
			if err := b.Put([]byte(name), v); err != nil {
				return 0, err
			}
		}
		moved += len(updates)
	}
	return moved, nil
}

func rekeyEvents(tx *bolt.Tx, from, to *sealer) (int, error) {
	b := tx.Bucket(bucketEvents)
	updates := map[string][]byte{}
	err := b.ForEach(func(k, v []byte) error {
		var doc eventDoc
		if err := json.Unmarshal(v, &doc); err != nil {
			return fmt.Errorf("event %d: %w", keyU64(k), err)
		}
		if doc.Sealed == nil {
			return nil
		}
		nv, err := reseal(from, to, doc.Kind, doc.Name, doc.Sealed)
		if err != nil || nv == nil {
			return err
		}
		doc.Sealed = nv
		enc, err := json.Marshal(doc)
		updates[string(k)] = enc
		return err
	})
	if err != nil {
		return 0, err
	}
	for k, v := range updates {
		if err := b.Put([]byte(k), v); err != nil {
			return 0, err
		}
	}
	return len(updates), nil
}
