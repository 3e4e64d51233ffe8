package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/api/server"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// fillStore creates n Buses, so that a snapshot spans many pages.
func fillStore(t *testing.T, st *store.Store, n int) {
	t.Helper()
	for i := range n {
		o := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Bus", Metadata: v1alpha1.ObjectMeta{Name: fmt.Sprintf("bus-%03d", i)},
			Spec: []byte(`{"device":"/dev/ttyUSB0","pad":"` + strings.Repeat("b", 1000) + `"}`)}
		if _, err := st.Create(o); err != nil {
			t.Fatal(err)
		}
	}
}

// assertAbsent fails the test if any of the paths exists.
func assertAbsent(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s exists, want none", p)
		}
	}
}

// TestBackupSavesStore: gwctl backup writes a sound store file at the
// store's revision, readable by its owner only, and leaves no .part.
func TestBackupSavesStore(t *testing.T) {
	e := newTestEnv(t)
	fillStore(t, e.store, 200)
	file := filepath.Join(t.TempDir(), "state-backup.db")
	out := e.mustRun("backup", file)
	rev := e.store.Revision()
	if want := fmt.Sprintf("at revision %d to %s", rev, file); !strings.Contains(out, want) {
		t.Errorf("output %q, want it to say %q", out, want)
	}
	info, err := store.VerifyBackup(file)
	if err != nil {
		t.Fatalf("the backup is not a sound store: %v", err)
	}
	if info.Revision != rev {
		t.Errorf("the backup holds revision %d, the store is at %d", info.Revision, rev)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup file mode: %v %v, want 0600", fi, err)
	}
	assertAbsent(t, file+".part")
}

// TestBackupRefusesExistingFile: an existing FILE is kept, without a
// request to gwd, unless --force is given; a directory is refused always.
func TestBackupRefusesExistingFile(t *testing.T) {
	e := newTestEnv(t)
	fillStore(t, e.store, 10)
	file := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(file, []byte("an older backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := e.run("backup", file)
	if r.code == 0 || !strings.Contains(r.err, file) || !strings.Contains(r.err, "--force") {
		t.Fatalf("backup over an existing file: exit %d, stderr %q; want a refusal naming the file and --force", r.code, r.err)
	}
	if b, _ := os.ReadFile(file); string(b) != "an older backup" {
		t.Fatalf("the existing file was changed: %q", b)
	}
	if n := e.requests.Load(); n != 0 {
		t.Errorf("the refusal sent %d requests to gwd", n)
	}
	e.mustRun("backup", "--force", file)
	if info, err := store.VerifyBackup(file); err != nil || info.Revision != e.store.Revision() {
		t.Fatalf("after --force: %+v, %v", info, err)
	}
	dir := t.TempDir()
	if r := e.run("backup", "--force", dir); r.code == 0 || !strings.Contains(r.err, "directory") {
		t.Errorf("backup to a directory: exit %d, stderr %q", r.code, r.err)
	}
}

// fakeBackupServer answers GET .../backup with the given header values
// and body; cutAt >= 0 ends the answer after that many bytes by aborting
// the connection.
func fakeBackupServer(t *testing.T, rev int64, size int, body []byte, cutAt int) string {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(server.RevisionHeader, strconv.FormatInt(rev, 10))
		w.Header().Set("Content-Length", strconv.Itoa(size))
		w.Header().Set("Content-Type", "application/octet-stream")
		if cutAt >= 0 {
			w.Write(body[:cutAt])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
		w.Write(body)
	}))
	t.Cleanup(ts.Close)
	return ts.URL
}

// snapshot returns a real store snapshot and its revision.
func snapshot(t *testing.T) ([]byte, int64) {
	t.Helper()
	e := newTestEnv(t)
	fillStore(t, e.store, 100)
	var buf bytes.Buffer
	if _, err := e.store.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), e.store.Revision()
}

// TestBackupBadDownloads: a stream cut mid-way, a snapshot damaged in
// transit, and a snapshot at another revision than announced each fail
// with an error naming the file, and leave neither FILE nor FILE.part;
// with --force, an older FILE is left as it was.
func TestBackupBadDownloads(t *testing.T) {
	snap, rev := snapshot(t)
	damaged := bytes.Clone(snap)
	for i := 4 * os.Getpagesize(); i < len(damaged); i++ {
		damaged[i] ^= 0x5a
	}
	cases := []struct {
		name  string
		url   string
		wants string
	}{
		{"cut mid-stream", fakeBackupServer(t, rev, len(snap), snap, len(snap)/2), "incomplete after"},
		{"damaged in transit", fakeBackupServer(t, rev, len(snap), damaged, -1), "the snapshot received is damaged"},
		{"another revision", fakeBackupServer(t, rev+5, len(snap), snap, -1), fmt.Sprintf("holds revision %d in %d bytes, gwd announced revision %d", rev, len(snap), rev+5)},
		{"no revision", fakeBackupServer(t, -1, len(snap), snap, -1), server.RevisionHeader},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "backup.db")
			var out, errOut bytes.Buffer
			code := gwctl(t.Context(), nil, &out, &errOut, "--server", c.url, "backup", file)
			t.Logf("exit %d: %s", code, strings.TrimSpace(errOut.String()))
			if code == 0 || !strings.Contains(errOut.String(), c.wants) || !strings.Contains(errOut.String(), file) {
				t.Errorf("exit %d, stderr %q; want a failure naming %s and saying %q", code, errOut.String(), file, c.wants)
			}
			assertAbsent(t, file, file+".part")

			// With --force over an older backup, the older one stays.
			if err := os.WriteFile(file, []byte("an older backup"), 0o600); err != nil {
				t.Fatal(err)
			}
			if code := gwctl(t.Context(), nil, &out, &errOut, "--server", c.url, "backup", "--force", file); code == 0 {
				t.Errorf("--force: exit 0")
			}
			if b, _ := os.ReadFile(file); string(b) != "an older backup" {
				t.Errorf("--force and a failed download changed the older backup: %d bytes", len(b))
			}
			assertAbsent(t, file+".part")
		})
	}
}

// TestBackupStalled: a gwd that stops sending in the middle of a backup is
// given up after --request-timeout without data, leaving no file.
func TestBackupStalled(t *testing.T) {
	snap, rev := snapshot(t)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(server.RevisionHeader, strconv.FormatInt(rev, 10))
		w.Header().Set("Content-Length", strconv.Itoa(len(snap)))
		w.Write(snap[:len(snap)/3])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer ts.Close()
	file := filepath.Join(t.TempDir(), "backup.db")
	var out, errOut bytes.Buffer
	code := gwctl(t.Context(), nil, &out, &errOut, "--server", ts.URL, "--request-timeout", "300ms", "backup", file)
	if code == 0 || !strings.Contains(errOut.String(), "no data from gwd for 300ms") {
		t.Errorf("exit %d, stderr %q; want the stall reported", code, errOut.String())
	}
	assertAbsent(t, file, file+".part")
}
