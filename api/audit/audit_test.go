package audit

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestRecentReadsTheNewestKept: records come back oldest first, at most
// limit of the newest, filtered; a nil Log records nothing and errs on read.
func TestRecentReadsTheNewestKept(t *testing.T) {
	l, err := Open(filepath.Join(t.TempDir(), "audit.log"), 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i, user := range []string{"a", "b", "a", "b", "a"} {
		if err := l.Write(Record{Time: time.Unix(int64(i), 0), User: user, Code: 200 + i}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := l.Recent(2, func(r Record) bool { return r.User == "a" })
	if err != nil || len(got) != 2 || got[0].Code != 202 || got[1].Code != 204 {
		t.Fatalf("newest 2 of a: %+v %v", got, err)
	}
	var none *Log
	if err := none.Write(Record{}); err != nil {
		t.Error("a nil log refused a write")
	}
	if _, err := none.Recent(1, nil); err == nil {
		t.Error("a nil log answered a read")
	}
}

// TestNotesFollowTheRequest: what handlers note in a request's context is
// what the guard reads back; a context without notes ignores them.
func TestNotesFollowTheRequest(t *testing.T) {
	ctx := WithNotes(context.Background())
	Note(ctx, Object{Action: "created", Kind: "Bus", Name: "b", Revision: "7"})
	Note(context.Background(), Object{Kind: "lost"})
	if got := Noted(ctx); len(got) != 1 || got[0].Revision != "7" {
		t.Fatalf("noted %+v", got)
	}
	if Noted(context.Background()) != nil {
		t.Error("notes without WithNotes")
	}
}
