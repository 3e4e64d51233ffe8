package store

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TestRekeyMovesSecretsAndTheirEvents: after Rekey the store opens only
// with the new key, the Secrets read as before, a watch replaying the
// whole event log decodes every old Secret event, the passwords are not in
// the file in clear, and a second Rekey finds nothing left to move.
func TestRekeyMovesSecretsAndTheirEvents(t *testing.T) {
	s, path := openTest(t, Options{EncryptionKey: testKey})
	for _, name := range []string{"a", "b"} {
		if _, err := s.Create(secretObj(name, "pw-"+name+"-first")); err != nil {
			t.Fatal(err)
		}
	}
	cur, _ := s.Get("Secret", "a")
	upd := secretObj("a", "pw-a-second")
	upd.Metadata.ResourceVersion = cur.Metadata.ResourceVersion
	if _, err := s.Update(upd); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(obj("Charger", "c1", `{}`)); err != nil {
		t.Fatal(err)
	}
	rev := s.Revision()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	moved, err := Rekey(path, testKey, otherKey, v1alpha1.SealedKinds())
	if err != nil {
		t.Fatal(err)
	}
	if moved != 5 { // 2 Secrets, 3 Secret events
		t.Errorf("moved %d values, want 5", moved)
	}
	if _, err := reopen(t, path, testKey); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("the old key still opens the store: %v", err)
	}
	s2, err := reopen(t, path, otherKey)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s2.Get("Secret", "a"); password(t, got) != "pw-a-second" {
		t.Errorf("secret a after rekey: %q", password(t, got))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w, err := s2.Watch(ctx, WatchOptions{Revision: 0})
	if err != nil {
		t.Fatal(err)
	}
	var passwords []string
	for ev := range w.Events() {
		if ev.Object.Kind == "Secret" {
			passwords = append(passwords, password(t, ev.Object))
		}
		if ev.Object.Metadata.ResourceVersion == strconv.FormatInt(rev, 10) {
			break
		}
	}
	w.Stop()
	if strings.Join(passwords, ",") != "pw-a-first,pw-b-first,pw-a-second" {
		t.Errorf("replayed Secret events: %v (watch err %v)", passwords, w.Err())
	}
	s2.Close()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "pw-a") {
		t.Error("a password is in the file in clear")
	}
	if again, err := Rekey(path, testKey, otherKey, v1alpha1.SealedKinds()); err != nil || again != 0 {
		t.Errorf("second rekey: %d moved, %v; want 0, nil", again, err)
	}
}

// TestRekeyWithTheWrongKeyChangesNothing: an old key that does not open
// the Secrets fails the whole rekey, and the store still opens with its key.
func TestRekeyWithTheWrongKeyChangesNothing(t *testing.T) {
	s, path := openTest(t, Options{EncryptionKey: testKey})
	if _, err := s.Create(secretObj("a", "pw")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	third := []byte(strings.Repeat("k", KeySize))
	if _, err := Rekey(path, third, otherKey, v1alpha1.SealedKinds()); !errors.Is(err, ErrWrongKey) || !strings.Contains(err.Error(), "nothing was changed") {
		t.Fatalf("rekey with the wrong old key: %v", err)
	}
	if _, err := reopen(t, path, testKey); err != nil {
		t.Fatalf("the store no longer opens with its key: %v", err)
	}
}
