// Package store is the embedded state store of ocppgw: versioned resources in a
// bbolt file, one global revision, an event log and resumable watches.
//
// Contract:
//   - Every write is one bbolt transaction and takes one or more consecutive
//     revisions from the events bucket's sequence, the single global revision.
//     A multi-object Txn is all or nothing.
//   - Spec writes (Create, Update, Delete, Txn) are committed and fsynced before
//     they return. Status writes through QueueStatus and QueueStatusPatch are
//     coalesced: the latest patch per object and owner is applied to the stored
//     status every StatusFlushInterval in one transaction, and the write is
//     skipped when nothing changed, so poll rate never becomes fsync rate. A
//     patch runs against the status as stored at flush time, so owners of
//     different fields never undo each other's writes.
//   - generation starts at 1 and moves only when the canonical spec changes.
//     Status writes never move it. Update with a stale resourceVersion fails
//     with ErrConflict; Create of an existing name with ErrExists.
//   - Watch from revision N replays the events after N from the log, then
//     follows live events, in revision order, with no gap and no duplicate.
//     N below the compacted revision fails with ErrCompacted. Events are
//     published after commit, under the store's writer lock, so they are never
//     seen out of order or before they are durable.
//   - Reads (Get, List) come from an in-memory cache of the objects bucket,
//     updated under the same lock that publishes events.
//   - Compaction drops old events, keeping at least CompactKeepEvents events
//     and every event younger than CompactKeepAge, but never more than
//     CompactMaxEvents (100,000) events, so a flood cannot keep an hour of
//     writes. It runs every CompactInterval.
//   - The objects of Options.SealedKinds, and only those, are sealed at rest
//     with Options.EncryptionKey (AES-256-GCM), in the objects bucket and in
//     the event log alike. The store knows no kind by name: gwd passes
//     v1alpha1.SealedKinds (Secret). The sealed form is "ocppgw-enc:v1:" |
//     key id (8 bytes, the start of SHA-256 over a label and the key) |
//     random nonce (12 bytes) | ciphertext and tag of the object's JSON. The
//     additional data is the header (prefix, version, key id) and
//     "<Kind>/<name>", so a sealed value moved to another object, or
//     altered, fails to open. In the objects bucket the value is the sealed
//     bytes; a sealed object's event is
//     {"type","ts","kind","name","sealed": base64 of the same bytes}.
//     Reads open them: the cache, Get, List, Tx reads and watch events carry
//     plain objects, so callers see no difference.
//   - Open fails, naming the object, when a stored sealed value cannot be
//     opened: ErrNoKey without a key, ErrWrongKey for another key id,
//     ErrTampered when authentication fails. A logged event that cannot be
//     opened ends the watch replaying it with the same error. Without a key
//     every write of a sealed kind fails with ErrNoKey. An object of a sealed
//     kind stored as plain JSON before encryption existed is read as is, with
//     or without a key, and sealed by its next write; its older events stay
//     plain until compaction drops them.
//   - Open checks an existing file before use: bbolt validates the meta
//     pages, and tx.Check walks every reachable page (branch, leaf,
//     overflow, freelist). A damaged or truncated file fails with ErrCorrupt
//     naming the file and RestoreHint; a 0-byte file fails with ErrEmptyFile
//     unless Options.Init is set. Open never panics on a bad file. One meta
//     page with a bad checksum (a torn write at power loss) is allowed, as
//     bbolt intends, with a warning that the last write may be lost.
//   - Every bbolt call after Open goes through view or update, which turn a
//     bbolt panic on a damaged page into ErrCorrupt for that call. The store
//     then reports it from Healthy and refuses writes; cached reads go on.
//   - Options.QuotaBytes bounds the space in use (file data size less free
//     and pending pages; DefaultQuotaBytes 2 GiB). Past it, writes that add
//     data fail with ErrNoSpace ("database space exceeded", as etcd's NOSPACE
//     alarm); deletes and compaction still work, and free pages count at
//     once, so writes resume without a defragmentation. The check uses the
//     size after the previous commit, so one write may cross the quota.
//   - Writes that add data also fail with ErrNoSpace when less than
//     Options.DiskReserveBytes (32 MiB) is available on the file system
//     (Linux), so that deletes and compaction still find room on a full
//     disk. The file's free pages do not count, as bbolt often cannot reuse
//     them; writes resume when disk space is freed (gwd defrag gives back
//     what deletes and compaction freed inside the file).
//   - Queued status writes of one object are stored at most once per
//     Options.StatusMinInterval (1 s); a flood coalesces to the latest.
//   - A watch from a revision above the store's fails with ErrFutureRevision:
//     the store was restored or re-initialised and the client must relist.
//
// Offline (gwd stopped), Defrag rewrites the file without its free pages and
// Restore puts a backup in place after checking it; Backup streams a
// consistent snapshot of a running store.
//
// Layout: backend.go opens the file, verify.go checks it and guards every
// bbolt call, quota.go measures the space in use, offline.go holds Defrag,
// Restore and Backup, schema.go names the buckets and keys, txn.go holds the
// object rules, codec.go the stored forms, seal.go the encryption, watch.go
// the fan-out, status.go the coalescer, compact.go the event-log compaction.
package store
