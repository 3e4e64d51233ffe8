package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/ocppgw/ocppgw/store"
)

// RevisionHeader is the response header of GET .../backup that carries the
// store revision the snapshot holds.
const RevisionHeader = "Ocppgw-Revision"

// backupStallTimeout bounds how long a backup client may take no bytes.
// While the snapshot's read transaction lasts, bbolt cannot remap the store
// file, so a client that stopped reading must not hold it for ever.
const backupStallTimeout = 60 * time.Second

// errShuttingDown ends a backup stream when gwd stops.
var errShuttingDown = errors.New("the gateway is shutting down")

// handleBackup streams a consistent snapshot of the store while gwd runs,
// as etcd's maintenance Snapshot does. The answer is the store file itself,
// with Content-Length set so that a stream cut short shows as short, and
// the snapshot's revision in RevisionHeader. It is exempt from BodyTimeout,
// since a large store takes longer to send; a client that reads nothing for
// backupStallTimeout is cut, and EndWatches ends the stream at once.
func (s *Server) handleBackup(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Healthy(); err != nil {
		s.writeError(w, r, err, "", "")
		return
	}
	bw := newBackupWriter(r.Context(), w, s.quit)
	defer bw.close()
	var info store.BackupInfo
	started := false
	n, err := s.store.BackupWith(bw, func(i store.BackupInfo) error {
		info, started = i, true
		h := w.Header()
		h.Set("Content-Type", "application/octet-stream")
		h.Set("Content-Length", strconv.FormatInt(i.Size, 10))
		h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ocppgw-backup-rev%d.db"`, i.Revision))
		h.Set(RevisionHeader, strconv.FormatInt(i.Revision, 10))
		w.WriteHeader(http.StatusOK)
		return nil
	})
	switch {
	case err == nil:
		s.log.Info("backup sent", "revision", info.Revision, "bytes", n, "remote", r.RemoteAddr)
	case !started:
		s.writeError(w, r, err, "", "")
	default:
		// The answer is shorter than its Content-Length: net/http closes
		// the connection and the client sees the stream cut.
		s.log.Warn("backup cut short", "revision", info.Revision, "sent", n, "size", info.Size,
			"remote", r.RemoteAddr, "err", err)
	}
}

// backupWriter writes a snapshot to the response with a write deadline
// renewed at every write, and fails at once when the request ends or gwd
// stops, even in the middle of a write blocked on the client.
type backupWriter struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	done    chan struct{}
	watched chan struct{} // closed when the watching goroutine returned
	mu      sync.Mutex
	err     error // why the stream must end; nil while it may go on
}

func newBackupWriter(ctx context.Context, w http.ResponseWriter, quit <-chan struct{}) *backupWriter {
	b := &backupWriter{w: w, rc: http.NewResponseController(w), done: make(chan struct{}), watched: make(chan struct{})}
	// The request has no body to wait for, and the read deadline that
	// bodyDeadline set would, once past, cancel the request's context in
	// the middle of a long stream.
	_ = b.rc.SetReadDeadline(time.Time{})
	go func() {
		defer close(b.watched)
		select {
		case <-quit:
			b.end(errShuttingDown)
		case <-ctx.Done():
			b.end(ctx.Err())
		case <-b.done:
		}
	}()
	return b
}

// end makes the current write, and every later one, fail with err.
func (b *backupWriter) end(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
	_ = b.rc.SetWriteDeadline(time.Now())
}

func (b *backupWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	if err := b.err; err != nil {
		b.mu.Unlock()
		return 0, err
	}
	// Not every ResponseWriter supports deadlines (httptest's recorder
	// does not); the server's own does.
	_ = b.rc.SetWriteDeadline(time.Now().Add(backupStallTimeout))
	b.mu.Unlock()
	n, err := b.w.Write(p)
	if err != nil {
		b.mu.Lock()
		if b.err != nil {
			err = fmt.Errorf("%w (%w)", b.err, err)
		}
		b.mu.Unlock()
	}
	return n, err
}

// close stops watching the request and the server's quit channel, and
// clears the write deadline, so that the keep-alive connection serves the
// client's next request: a deadline left set, the stall timeout or the
// moment the request's context ended, would fail that answer's write.
func (b *backupWriter) close() {
	close(b.done)
	<-b.watched
	_ = b.rc.SetWriteDeadline(time.Time{})
}
