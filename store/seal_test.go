package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	bolt "go.etcd.io/bbolt"
)

var (
	testKey  = bytes.Repeat([]byte{0x5a}, KeySize)
	otherKey = bytes.Repeat([]byte{0xa5}, KeySize)
)

func secretObj(name, password string) *v1alpha1.Object {
	return obj("Secret", name, `{"type":"basic-auth","data":{"password":"`+password+`"}}`)
}

func password(t *testing.T, o *v1alpha1.Object) string {
	t.Helper()
	var spec v1alpha1.SecretSpec
	if err := json.Unmarshal(o.Spec, &spec); err != nil {
		t.Fatalf("secret spec: %v", err)
	}
	return spec.Data["password"]
}

func reopen(t *testing.T, path string, key []byte) (*Store, error) {
	t.Helper()
	s, err := Open(path, Options{NoSync: true, CompactInterval: -1, EncryptionKey: key, SealedKinds: v1alpha1.SealedKinds()})
	if err == nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, err
}

// boltUpdate edits the closed store file directly, as an older build or an
// attacker with the file would.
func boltUpdate(t *testing.T, path string, fn func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

func rawObject(t *testing.T, path, kind, name string) []byte {
	t.Helper()
	var v []byte
	boltUpdate(t, path, func(tx *bolt.Tx) error {
		v = bytes.Clone(tx.Bucket(bucketObjects).Bucket([]byte(kind)).Get([]byte(name)))
		return nil
	})
	return v
}

func TestSecretSealedAtRest(t *testing.T) {
	const first, second = "plain-Value-7c1e-first", "plain-Value-7c1e-second"
	s, path := openTest(t, Options{EncryptionKey: testKey})
	w, err := s.Watch(context.Background(), WatchOptions{Kind: "Secret"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(secretObj("csms", first)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(secretObj("csms", second)); err != nil {
		t.Fatal(err)
	}
	s.Create(obj("Charger", "ch-1", `{"a":1}`))
	for _, want := range []string{first, second} {
		ev := <-w.Events()
		if got := password(t, ev.Object); got != want {
			t.Errorf("live %s event: password %q, want %q", ev.Type, got, want)
		}
	}
	got, _ := s.Get("Secret", "csms")
	if password(t, got) != second {
		t.Fatalf("Get: password %q", password(t, got))
	}
	s.Close()

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{first, second, "plain-Value-7c1e"} {
		if bytes.Contains(raw, []byte(v)) {
			t.Errorf("the store file holds the plaintext %q", v)
		}
	}
	if v := rawObject(t, path, "Secret", "csms"); !bytes.HasPrefix(v, []byte("ocppgw-enc:v1:")) {
		t.Errorf("stored Secret is not sealed: %.20q", v)
	}
	if v := rawObject(t, path, "Charger", "ch-1"); !bytes.HasPrefix(v, []byte(`{`)) {
		t.Errorf("a Charger was sealed: %.20q", v)
	}

	s2, err := reopen(t, path, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s2.Get("Secret", "csms"); password(t, got) != second {
		t.Errorf("after reopen: password %q", password(t, got))
	}
	// The log, as a watch replays it, opens to the plaintext of each write.
	recs, err := s2.readEvents(0, s2.Revision(), 10)
	if err != nil || len(recs) != 3 {
		t.Fatalf("read log: %d events, %v", len(recs), err)
	}
	if password(t, recs[0].Object) != first || password(t, recs[1].Object) != second {
		t.Errorf("logged events do not open to the plaintext: %s / %s", recs[0].Object.Spec, recs[1].Object.Spec)
	}
}

func createSealed(t *testing.T, names ...string) string {
	t.Helper()
	s, path := openTest(t, Options{EncryptionKey: testKey})
	for _, n := range names {
		if _, err := s.Create(secretObj(n, "pw-"+n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestOpenWithWrongOrNoKeyFails(t *testing.T) {
	path := createSealed(t, "db-password")
	for _, tc := range []struct {
		name string
		key  []byte
		want error
	}{
		{"wrong key", otherKey, ErrWrongKey},
		{"no key", nil, ErrNoKey},
	} {
		_, err := reopen(t, path, tc.key)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), `Secret "db-password"`) {
			t.Errorf("%s: want %v naming the Secret, got %v", tc.name, tc.want, err)
		}
	}
	if _, err := reopen(t, path, testKey[:16]); err == nil || !strings.Contains(err.Error(), "want 32") {
		t.Errorf("short key: got %v", err)
	}
	if _, err := reopen(t, path, testKey); err != nil {
		t.Errorf("right key: %v", err)
	}
}

func TestSecretWriteWithoutKeyFails(t *testing.T) {
	s, _ := openTest(t, Options{})
	_, err := s.Create(secretObj("pw", "x"))
	if !errors.Is(err, ErrNoKey) || !strings.HasPrefix(err.Error(), "store: no encryption key: ") {
		t.Fatalf("create Secret without a key: %v", err)
	}
	if _, err := s.Get("Secret", "pw"); !errors.Is(err, ErrNotFound) || s.Revision() != 0 {
		t.Fatalf("a refused write was stored: rev %d, %v", s.Revision(), err)
	}
	if _, err := s.Create(obj("Charger", "ch-1", `{}`)); err != nil {
		t.Errorf("other kinds need no key: %v", err)
	}
}

// writeLegacySecret stores a Secret and its ADDED event exactly as builds
// before encryption wrote them: plain JSON in both buckets.
func writeLegacySecret(t *testing.T, path, name, pw string) {
	t.Helper()
	boltUpdate(t, path, func(tx *bolt.Tx) error {
		events := tx.Bucket(bucketEvents)
		seq, _ := events.NextSequence()
		o := secretObj(name, pw)
		o.APIVersion, o.Metadata.Generation = v1alpha1.APIVersion, 1
		o.Metadata.ResourceVersion = "1"
		v, _ := json.Marshal(o)
		b, err := tx.Bucket(bucketObjects).CreateBucketIfNotExists([]byte("Secret"))
		if err != nil {
			return err
		}
		if err := b.Put([]byte(name), v); err != nil {
			return err
		}
		ev := `{"type":"ADDED","ts":1,"object":` + string(v) + `}`
		return events.Put(u64Key(seq), []byte(ev))
	})
}

func TestPlaintextSecretIsReadAndSealedOnNextWrite(t *testing.T) {
	path := createSealed(t)
	writeLegacySecret(t, path, "legacy", "old-plain-pw")

	s, err := reopen(t, path, nil)
	if err != nil {
		t.Fatalf("a plaintext Secret must not need a key: %v", err)
	}
	if got, _ := s.Get("Secret", "legacy"); got == nil || password(t, got) != "old-plain-pw" {
		t.Fatalf("legacy Secret not readable without a key: %v", got)
	}
	if _, err := s.Update(secretObj("legacy", "new-pw")); !errors.Is(err, ErrNoKey) {
		t.Fatalf("update without a key: want ErrNoKey, got %v", err)
	}
	s.Close()

	s, err = reopen(t, path, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if recs, err := s.readEvents(0, 1, 1); err != nil || password(t, recs[0].Object) != "old-plain-pw" {
		t.Fatalf("legacy event not readable: %v", err)
	}
	if _, err := s.Update(secretObj("legacy", "new-pw")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if v := rawObject(t, path, "Secret", "legacy"); !isSealed(v) {
		t.Fatalf("the write did not seal the legacy Secret: %.30q", v)
	}
	s, err = reopen(t, path, testKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get("Secret", "legacy"); password(t, got) != "new-pw" {
		t.Errorf("after migration: %s", got.Spec)
	}
}

// flipAfter flips one byte n bytes after every occurrence of marker in the
// file: bbolt's free pages may hold older copies, so every copy is damaged.
func flipAfter(t *testing.T, path string, marker []byte, n int) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	for i := bytes.Index(raw, marker); i >= 0; {
		raw[i+n] ^= 0x01
		hits++
		j := bytes.Index(raw[i+1:], marker)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	if hits == 0 {
		t.Fatal("no sealed value found in the file")
	}
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestTamperedSecretFailsOpen(t *testing.T) {
	path := createSealed(t, "api-token")
	// A byte in the ciphertext, past the header and the 12-byte nonce.
	flipAfter(t, path, []byte(sealPrefix+sealVersion), headerLen+12+3)
	_, err := reopen(t, path, testKey)
	if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), `Secret "api-token"`) {
		t.Fatalf("want ErrTampered naming the Secret, got %v", err)
	}
}

func TestSealedValueCannotMoveToAnotherObject(t *testing.T) {
	path := createSealed(t, "a", "b")
	boltUpdate(t, path, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketObjects).Bucket([]byte("Secret"))
		return b.Put([]byte("b"), bytes.Clone(b.Get([]byte("a"))))
	})
	_, err := reopen(t, path, testKey)
	if !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), `Secret "b"`) {
		t.Fatalf("a value moved from a to b opened: %v", err)
	}
}

func TestTamperedEventFailsReplay(t *testing.T) {
	path := createSealed(t, "a")
	boltUpdate(t, path, func(tx *bolt.Tx) error {
		events := tx.Bucket(bucketEvents)
		var doc eventDoc
		if err := json.Unmarshal(events.Get(u64Key(1)), &doc); err != nil {
			return err
		}
		doc.Sealed[len(doc.Sealed)-1] ^= 0x01
		v, _ := json.Marshal(doc)
		return events.Put(u64Key(1), v)
	})
	s, err := reopen(t, path, testKey)
	if err != nil {
		t.Fatal(err)
	}
	w, err := s.Watch(context.Background(), WatchOptions{Kind: "Secret", Revision: 0})
	if err != nil {
		t.Fatal(err)
	}
	for range w.Events() {
		t.Fatal("a tampered event was delivered")
	}
	if err := w.Err(); !errors.Is(err, ErrTampered) || !strings.Contains(err.Error(), "event 1") {
		t.Fatalf("watch ended with %v, want ErrTampered for event 1", err)
	}
}

// The store seals the kinds its caller names, whatever they are, and no
// other: it knows nothing of Secrets.
func TestSealedKindsAreTheCallers(t *testing.T) {
	s, path := openTest(t, Options{EncryptionKey: testKey, SealedKinds: []string{"Widget"}})
	if _, err := s.Create(obj("Widget", "w", `{"password":"widget-pw-5d2a"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(secretObj("csms", "secret-pw-5d2a")); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if v := rawObject(t, path, "Widget", "w"); !isSealed(v) || bytes.Contains(v, []byte("widget-pw-5d2a")) {
		t.Errorf("Widget stored as %q, want it sealed", v)
	}
	if v := rawObject(t, path, "Secret", "csms"); isSealed(v) || !bytes.Contains(v, []byte("secret-pw-5d2a")) {
		t.Errorf("Secret stored as %q, want plain JSON: Secret is not among the sealed kinds", v)
	}
	s2, err := Open(path, Options{NoSync: true, CompactInterval: -1, EncryptionKey: testKey})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, err := s2.Get("Widget", "w"); err != nil || !strings.Contains(string(got.Spec), "widget-pw-5d2a") {
		t.Fatalf("sealed Widget read back as %v, %v", got, err)
	}
}
