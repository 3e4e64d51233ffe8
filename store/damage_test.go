package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// damagedFile writes a store with enough objects and events for branch
// pages, closes it and returns its path and page size.
func damagedFile(t *testing.T) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(path, Options{NoSync: true, CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	spec := fmt.Sprintf(`{"pad":%q}`, strings.Repeat("x", 200))
	for i := range 400 {
		if _, err := s.Create(obj("Charger", fmt.Sprintf("ch-%03d", i), spec)); err != nil {
			t.Fatal(err)
		}
	}
	// Deletes leave free pages, so the freelist page lists some.
	for i := range 50 {
		if _, err := s.Delete("Charger", fmt.Sprintf("ch-%03d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path, os.Getpagesize()
}

// livePage returns the id of a page of type typ ("leaf", "branch",
// "freelist") that the file's current meta page reaches: not a free page,
// whose damage nothing would ever read.
func livePage(t *testing.T, path, typ string) int {
	t.Helper()
	return findPage(t, path, func(_ int, pageType string) bool { return pageType == typ })
}

// findPage returns the first live page that match accepts.
func findPage(t *testing.T, path string, match func(id int, pageType string) bool) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	found := -1
	err = db.Update(func(tx *bolt.Tx) error { // tx.Page needs the freelist
		for id := 2; found < 0; id++ {
			info, err := tx.Page(id)
			if err != nil || info == nil {
				return err
			}
			if info.ID == id && match(id, info.Type) {
				found = id
			}
		}
		return errors.New("read only")
	})
	if found < 0 {
		t.Fatalf("no such live page in %s (%v)", path, err)
	}
	return found
}

// garble overwrites a page's header and body with a repeating pattern that
// is neither a valid page id nor valid flags.
func garble(data []byte, off, n int) {
	for i := off; i < off+n && i < len(data); i++ {
		data[i] = byte(0xA5 ^ i)
	}
}

// wantDamageFound checks a store after damage was found: writes fail with
// ErrCorrupt, reads from the cache go on, and the log says so.
func wantDamageFound(t *testing.T, s *Store, cached, logs string) {
	t.Helper()
	if err := s.Healthy(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Healthy after the damage = %v, want ErrCorrupt", err)
	}
	if _, err := s.Create(obj("Charger", "after", `{}`)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("write after the damage = %v, want ErrCorrupt", err)
	}
	if _, err := s.Get("Charger", cached); err != nil {
		t.Errorf("read from the cache after the damage: %v", err)
	}
	if !strings.Contains(logs, "store damaged") {
		t.Errorf("damage not logged: %q", logs)
	}
}

// wantRefused opens path and wants a clean refusal: an error wrapping want
// that names the file and says how to restore, and no panic.
func wantRefused(t *testing.T, path string, want error) {
	t.Helper()
	s, err := Open(path, Options{NoSync: true, CompactInterval: -1})
	if err == nil {
		s.Close()
		t.Fatal("open of a damaged file succeeded")
	}
	if !errors.Is(err, want) {
		t.Fatalf("want %v, got %v", want, err)
	}
	for _, part := range []string{path, "gwd restore", "--init"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error does not mention %q: %v", part, err)
		}
	}
	t.Logf("refused: %v", err)
}

func TestOpenRefusesDamagedFile(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, path string, data []byte, psize int) []byte
	}{
		{"one meta page, header too", func(t *testing.T, path string, d []byte, ps int) []byte { garble(d, ps, ps); return d }},
		{"both meta pages", func(t *testing.T, path string, d []byte, ps int) []byte { garble(d, 0, 2*ps); return d }},
		{"freelist page", func(t *testing.T, path string, d []byte, ps int) []byte {
			garble(d, livePage(t, path, "freelist")*ps, ps)
			return d
		}},
		{"branch page", func(t *testing.T, path string, d []byte, ps int) []byte {
			garble(d, livePage(t, path, "branch")*ps, ps)
			return d
		}},
		{"leaf page", func(t *testing.T, path string, d []byte, ps int) []byte {
			garble(d, livePage(t, path, "leaf")*ps, ps)
			return d
		}},
		{"truncated to half", func(t *testing.T, path string, d []byte, ps int) []byte { return d[:len(d)/2] }},
		{"garbage", func(t *testing.T, path string, d []byte, ps int) []byte { garble(d, 0, len(d)); return d }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, psize := damagedFile(t)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, c.damage(t, path, data, psize), 0o600); err != nil {
				t.Fatal(err)
			}
			wantRefused(t, path, ErrCorrupt)
		})
	}
}

func TestOpenRefusesEmptyFileUnlessInit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	wantRefused(t, path, ErrEmptyFile)
	s, err := Open(path, Options{NoSync: true, CompactInterval: -1, Init: true})
	if err != nil {
		t.Fatalf("open with Init: %v", err)
	}
	defer s.Close()
	if _, err := s.Create(obj("Charger", "ch-1", `{}`)); err != nil {
		t.Fatalf("write to the re-initialised store: %v", err)
	}
}

// A meta page whose body fails its checksum, as after a torn write at
// power loss, is what bbolt's two meta pages are for: the file opens from
// the other one. The operator is warned, because the write committed
// through the damaged page may be gone.
func TestOpenWarnsOnOneDamagedMetaPage(t *testing.T) {
	for page := range 2 {
		t.Run(fmt.Sprint("meta page ", page), func(t *testing.T) {
			path, psize := damagedFile(t)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			garble(data, page*psize+pageHeader, psize-pageHeader)
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			var logs strings.Builder
			s, err := Open(path, Options{NoSync: true, CompactInterval: -1,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatalf("open with one good meta page: %v", err)
			}
			defer s.Close()
			if n := len(s.snapshot("Charger")); n < 349 {
				t.Errorf("%d objects after falling back one transaction, want at least 349", n)
			}
			if !strings.Contains(logs.String(), "meta pages is damaged") || !strings.Contains(logs.String(), path) {
				t.Errorf("no warning naming the file: %q", logs.String())
			}
		})
	}
}
