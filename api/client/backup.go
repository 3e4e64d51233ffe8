package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// revisionHeader is the header of gwd's backup answer that carries the
// snapshot's store revision (server.RevisionHeader).
const revisionHeader = "Ocppgw-Revision"

// BackupInfo is what gwd announced of a backup it sent.
type BackupInfo struct {
	// Revision is the store revision the snapshot holds.
	Revision int64
	// Size is the snapshot's length in bytes.
	Size int64
}

// Backup streams a consistent snapshot of gwd's store into w: a store file
// that `gwd restore` accepts. It succeeds only when the whole snapshot, as
// long as gwd announced, was written to w; a stream cut short is an error,
// and what w got so far must be discarded. The transfer may be long: bound
// it with ctx.
func (c *Client) Backup(ctx context.Context, w io.Writer) (BackupInfo, error) {
	p := apiPrefix + "/backup"
	resp, err := c.request(ctx, http.MethodGet, p, nil, nil, "")
	if err != nil {
		return BackupInfo{}, err
	}
	defer resp.Body.Close()
	rev, err := strconv.ParseInt(resp.Header.Get(revisionHeader), 10, 64)
	if err != nil || rev < 0 {
		return BackupInfo{}, fmt.Errorf("GET %s: the answer has no valid %s header (%q); is the server a gwd?",
			p, revisionHeader, resp.Header.Get(revisionHeader))
	}
	info := BackupInfo{Revision: rev, Size: resp.ContentLength}
	if info.Size < 0 {
		return info, fmt.Errorf("GET %s: the answer has no Content-Length, so a snapshot cut short could not be told from a whole one", p)
	}
	n, err := io.Copy(w, resp.Body)
	if err == nil && n != info.Size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return info, fmt.Errorf("GET %s: snapshot incomplete after %d of %d bytes: %w", p, n, info.Size, err)
	}
	return info, nil
}
