// Package audit records who changed what through the admin API, and when:
// every write (create, update, delete, apply, status, device commands,
// tokens, log levels), every backup, and every request refused with 401 or
// 403. Records are JSON lines in a file rotated by size and gzipped, so
// they outlive gwd and can be shipped elsewhere; Recent reads the newest
// back for the API (gwctl audit).
//
// A record names the token (never its value), its role, the verb, the
// resource, the object and the revisions the change produced.
package audit
