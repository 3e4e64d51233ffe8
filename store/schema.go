package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// schemaVersion is the on-disk layout version written to meta/schema. A file
// with a newer version is refused rather than misread.
const schemaVersion = 1

var (
	bucketMeta    = []byte("meta")
	bucketObjects = []byte("objects") // nested: objects/<Kind>/<name> = object JSON, sealed for Options.SealedKinds
	bucketEvents  = []byte("events")  // <rev u64 BE> = eventDoc JSON; its sequence is the revision

	keySchema     = []byte("schema")
	keyCompactRev = []byte("compactRev")
)

func u64Key(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func keyU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// initSchema creates the buckets of an empty file and checks the version of an
// existing one.
func initSchema(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return fmt.Errorf("create meta bucket: %w", err)
	}
	if v := meta.Get(keySchema); v != nil {
		if got := keyU64(v); got > schemaVersion {
			return fmt.Errorf("store file has schema version %d, this build reads up to %d", got, schemaVersion)
		}
	} else if err := meta.Put(keySchema, u64Key(schemaVersion)); err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}
	if _, err := tx.CreateBucketIfNotExists(bucketObjects); err != nil {
		return fmt.Errorf("create objects bucket: %w", err)
	}
	if _, err := tx.CreateBucketIfNotExists(bucketEvents); err != nil {
		return fmt.Errorf("create events bucket: %w", err)
	}
	return nil
}

func readCompactRev(tx *bolt.Tx) int64 {
	return int64(keyU64(tx.Bucket(bucketMeta).Get(keyCompactRev)))
}
