package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// busObject is a Bus with pad bytes of annotation, to make a store large.
func busObject(name string, pad int) *v1alpha1.Object {
	return &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Bus",
		Metadata: v1alpha1.ObjectMeta{Name: name, Annotations: map[string]string{"pad": strings.Repeat("p", pad)}},
		Spec:     []byte(`{"device":"/dev/ttyUSB0"}`)}
}

// TestBackupWhileWriting: GET .../backup streams a store file that holds
// exactly the store at the revision its header names, while a writer goes
// on creating objects: every object created at or below that revision is
// in it, none above, and the Secret in it opens with the store's key only.
func TestBackupWhileWriting(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.createBase()
	for i := range 500 {
		if _, err := e.st.Create(busObject(fmt.Sprintf("before-%03d", i), 2000)); err != nil {
			t.Fatal(err)
		}
	}
	before := e.st.Revision()

	created := map[string]int64{} // name -> revision of its create
	var mu sync.Mutex
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				writerDone <- nil
				return
			default:
			}
			o, err := e.st.Create(busObject(fmt.Sprintf("during-%05d", i), 2000))
			if err != nil {
				writerDone <- err
				return
			}
			rv, _ := strconv.ParseInt(o.Metadata.ResourceVersion, 10, 64)
			mu.Lock()
			created[o.Metadata.Name] = rv
			mu.Unlock()
		}
	}()

	file := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	info, err := e.c.Backup(ctx(t), f)
	close(stop)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if err := <-writerDone; err != nil {
		t.Fatalf("writer: %v", err)
	}
	after := e.st.Revision()
	t.Logf("backup at revision %d, %d bytes; store revision %d before, %d after", info.Revision, info.Size, before, after)
	if info.Revision < before || info.Revision > after {
		t.Fatalf("backup revision %d outside [%d, %d]", info.Revision, before, after)
	}
	got, err := store.VerifyBackup(file)
	if err != nil {
		t.Fatalf("the backup is not a sound store: %v", err)
	}
	if got != (store.BackupInfo{Revision: info.Revision, Size: info.Size}) {
		t.Fatalf("the file holds %+v, the answer announced %+v", got, info)
	}

	snap, err := store.Open(file, store.Options{NoSync: true, EncryptionKey: testKey, SealedKinds: v1alpha1.SealedKinds(), CompactInterval: -1})
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer snap.Close()
	if snap.Revision() != info.Revision {
		t.Errorf("the backup opens at revision %d, announced %d", snap.Revision(), info.Revision)
	}
	buses, _ := snap.List("Bus")
	have := map[string]bool{}
	for _, o := range buses {
		have[o.Metadata.Name] = true
	}
	for i := range 500 {
		if name := fmt.Sprintf("before-%03d", i); !have[name] {
			t.Fatalf("the backup lacks %s, created before it began", name)
		}
	}
	in := 0
	for name, rv := range created {
		if have[name] != (rv <= info.Revision) {
			t.Fatalf("%s created at revision %d: in the backup %v, but the backup is at revision %d", name, rv, have[name], info.Revision)
		}
		if have[name] {
			in++
		}
	}
	t.Logf("%d objects created during the backup, %d of them at or below its revision", len(created), in)
	secret, err := snap.Get("Secret", "pw")
	if err != nil || !bytes.Contains(secret.Spec, []byte("hunter2")) {
		t.Errorf("the backup's Secret: %v, %s", err, secretSpec(secret))
	}
}

func secretSpec(o *v1alpha1.Object) string {
	if o == nil {
		return "none"
	}
	return string(o.Spec)
}

// TestBackupNeedsItsKey: a backup's Secrets are sealed with the store's
// key, so a store opened from it with another key is refused: the key must
// be backed up too.
func TestBackupNeedsItsKey(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.createBase()
	file := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.Backup(ctx(t), f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	other := bytes.Repeat([]byte{0x17}, store.KeySize)
	snap, err := store.Open(file, store.Options{NoSync: true, EncryptionKey: other, SealedKinds: v1alpha1.SealedKinds(), CompactInterval: -1})
	if err == nil {
		snap.Close()
		t.Fatal("a backup with a Secret opened with another key")
	}
	t.Logf("with another key: %v", err)
}

// logSink collects the server's log messages.
type logSink struct {
	mu   sync.Mutex
	msgs []string
}

func (l *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (l *logSink) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logSink) WithGroup(string) slog.Handler            { return l }
func (l *logSink) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Message)
	return nil
}

func (l *logSink) has(msg string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.msgs {
		if m == msg {
			return true
		}
	}
	return false
}

// stallingWriter calls first at its first write, then takes everything.
type stallingWriter struct {
	first func()
	once  sync.Once
	n     int64
}

func (w *stallingWriter) Write(p []byte) (int, error) {
	w.once.Do(w.first)
	w.n += int64(len(p))
	return len(p), nil
}

// TestBackupLongStream: a backup larger than what loopback socket buffers
// hold, read by a client that pauses, through a server as gwd runs it.
func TestBackupLongStream(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "gw.db"), store.Options{NoSync: true, EncryptionKey: testKey, SealedKinds: v1alpha1.SealedKinds(), CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range 1000 {
		if _, err := st.Create(busObject(fmt.Sprintf("bus-%04d", i), 10000)); err != nil {
			t.Fatal(err)
		}
	}
	admin := tokenIn(t, st, "test-admin", v1alpha1.RoleAdmin, time.Time{})
	serve := func(t *testing.T, wrap func(http.Handler) http.Handler) (*Server, *client.Client, *logSink) {
		logs := &logSink{}
		srv := New(Options{Store: st, Logger: slog.New(logs)})
		ts := httptest.NewServer(wrap(srv.Handler()))
		t.Cleanup(ts.Close)
		c, err := client.New(&client.Config{Server: ts.URL, Token: admin})
		if err != nil {
			t.Fatal(err)
		}
		return srv, c, logs
	}

	// EndWatches, which gwd calls as it shuts down, cuts a backup stream at
	// once even while the client reads nothing, and the client reports the
	// snapshot incomplete rather than a short file as a backup.
	t.Run("ends on shutdown", func(t *testing.T) {
		srv, c, logs := serve(t, func(h http.Handler) http.Handler { return h })
		w := &stallingWriter{first: func() {
			srv.EndWatches()
			for deadline := time.Now().Add(waitFor); !logs.has("backup cut short"); {
				if time.Now().After(deadline) {
					t.Errorf("the server did not end the backup after EndWatches")
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}}
		info, err := c.Backup(ctx(t), w)
		t.Logf("client got %d of %d bytes: %v", w.n, info.Size, err)
		if err == nil || !strings.Contains(err.Error(), "incomplete") {
			t.Fatalf("backup cut by a shutdown: err %v, want the snapshot incomplete", err)
		}
		if w.n >= info.Size {
			t.Fatalf("the client got %d of %d bytes after the cut", w.n, info.Size)
		}
	})

	// The read deadline bodyDeadline gives every request (BodyTimeout, 60 s;
	// 100 ms here) would, once past, cancel the request's context and cut
	// the stream: the backup clears it, and a client that pauses past it
	// still gets the whole snapshot.
	t.Run("outlives the body deadline", func(t *testing.T) {
		_, c, _ := serve(t, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h.ServeHTTP(shortDeadlines{w, http.NewResponseController(w)}, r)
			})
		})
		w := &stallingWriter{first: func() { time.Sleep(3 * shortDeadline) }}
		info, err := c.Backup(ctx(t), w)
		if err != nil || w.n != info.Size {
			t.Fatalf("backup paused past the read deadline: got %d of %d bytes: %v", w.n, info.Size, err)
		}
	})
}

// shortDeadline stands for BodyTimeout in a test.
const shortDeadline = 100 * time.Millisecond

// shortDeadlines sets every read deadline the handlers set, but none, to
// shortDeadline from now.
type shortDeadlines struct {
	http.ResponseWriter
	rc *http.ResponseController
}

func (s shortDeadlines) SetReadDeadline(d time.Time) error {
	if !d.IsZero() {
		d = time.Now().Add(shortDeadline)
	}
	return s.rc.SetReadDeadline(d)
}

func (s shortDeadlines) SetWriteDeadline(d time.Time) error { return s.rc.SetWriteDeadline(d) }
func (s shortDeadlines) Unwrap() http.ResponseWriter        { return s.ResponseWriter }

// meetDamage truncates the store file at path under st and reads it all
// with a watch from the start, so that st meets the damage.
func meetDamage(t *testing.T, st *store.Store, path string) {
	t.Helper()
	if err := os.Truncate(path, int64(os.Getpagesize())*4); err != nil {
		t.Fatal(err)
	}
	w, err := st.Watch(context.Background(), store.WatchOptions{Revision: 0})
	if err != nil {
		t.Fatal(err)
	}
	for range w.Events() {
	}
}

// TestBackupRefusedOnDamage: once the store met damage, a backup is
// refused with 503 and the store's words instead of copying the damage.
func TestBackupRefusedOnDamage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gw.db")
	st, err := store.Open(path, store.Options{NoSync: true, EncryptionKey: testKey, SealedKinds: v1alpha1.SealedKinds(), CompactInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range 300 {
		if _, err := st.Create(busObject(fmt.Sprintf("bus-%03d", i), 1000)); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(New(Options{Store: st}).Handler())
	defer ts.Close()
	admin := tokenIn(t, st, "test-admin", v1alpha1.RoleAdmin, time.Time{})
	meetDamage(t, st, path)
	if st.Healthy() == nil {
		t.Fatal("the store did not meet the damage")
	}
	c, err := client.New(&client.Config{Server: ts.URL, Token: admin})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Backup(ctx(t), io.Discard)
	if st := statusOf(t, err); st.Code != http.StatusServiceUnavailable || !strings.Contains(st.Message, "damaged") {
		t.Fatalf("backup of a damaged store: %d %q, want 503 saying it is damaged", st.Code, st.Message)
	}
}

// TestBackupAnswer: the answer as any HTTP client sees it: 200,
// application/octet-stream, the store's revision in RevisionHeader, a
// Content-Length equal to the body, and a file name for curl -OJ.
func TestBackupAnswer(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.createBase()
	req, err := http.NewRequest(http.MethodGet, e.url+prefix+"/backup", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+e.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("GET backup: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp.Header.Get(RevisionHeader) != strconv.FormatInt(e.st.Revision(), 10) {
		t.Errorf("%s: %q, store at %d", RevisionHeader, resp.Header.Get(RevisionHeader), e.st.Revision())
	}
	if int64(len(body)) != resp.ContentLength || !strings.Contains(resp.Header.Get("Content-Disposition"), "ocppgw-backup-rev") {
		t.Errorf("body %d bytes, Content-Length %d, Content-Disposition %q", len(body), resp.ContentLength, resp.Header.Get("Content-Disposition"))
	}
}

// TestBackupKeepsTheConnectionUsable: the request after a backup, on the
// same keep-alive connection, is answered. The backup's write deadline,
// or the one its watcher set when the request's context ended after the
// answer, used to stay on the connection and fail the next answer's write
// (the client saw EOF).
func TestBackupKeepsTheConnectionUsable(t *testing.T) {
	e := newEnv(t, store.Options{}, Options{})
	e.createBase()
	tr := &http.Transport{MaxConnsPerHost: 1}
	t.Cleanup(tr.CloseIdleConnections)
	c := &http.Client{Transport: tr}
	get := func(path string) (int, error) {
		req, err := http.NewRequest(http.MethodGet, e.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+e.admin)
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return 0, err
		}
		return resp.StatusCode, nil
	}
	for i := range 30 {
		if code, err := get(prefix + "/backup"); err != nil || code != http.StatusOK {
			t.Fatalf("backup %d: %d %v", i, code, err)
		}
		// A PUT is not retried on a fresh connection as a GET may be: a
		// GET of /version would hide the failure.
		req, err := http.NewRequest(http.MethodPut, e.url+"/debug/loglevels/drivers/modbus", strings.NewReader(`{"level":"debug"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+e.admin)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("the request after backup %d: %v", i, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
