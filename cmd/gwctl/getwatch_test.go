package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// watchScript is a fake watch endpoint: the n-th request gets script[n].
// It exists to drive the expiry paths a real store rarely takes.
type watchScript struct {
	mu   sync.Mutex
	rvs  []string // resourceVersion of each request
	step []func(w http.ResponseWriter)
}

func (s *watchScript) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.rvs)
	s.rvs = append(s.rvs, r.URL.Query().Get("resourceVersion"))
	s.mu.Unlock()
	if r.URL.Query().Get("watch") != "true" || n >= len(s.step) {
		http.Error(w, "unexpected request "+r.URL.String(), http.StatusTeapot)
		return
	}
	s.step[n](w)
}

func (s *watchScript) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.rvs...)
}

func event(typ v1alpha1.EventType, name, rv string, initialEnd bool) string {
	o := v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Charger"}
	o.Metadata.Name, o.Metadata.ResourceVersion = name, rv
	if initialEnd {
		o.Kind, o.Metadata.Name = "", ""
		o.Metadata.Annotations = map[string]string{v1alpha1.InitialEventsEndAnnotation: "true"}
	}
	b, _ := json.Marshal(v1alpha1.Event{Type: typ, Object: &o})
	return string(b) + "\n"
}

func gone() v1alpha1.APIStatus {
	return v1alpha1.APIStatus{APIVersion: "v1", Kind: "Status", Status: "Failure", Code: http.StatusGone,
		Reason: v1alpha1.ReasonGone, Message: "too old resource version"}
}

func stream(lines ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/x-ndjson")
		for _, l := range lines {
			fmt.Fprint(w, l)
		}
	}
}

// TestGetWatchResumesAfterExpiry: an ERROR 410 mid-stream resumes from the
// last revision; a 410 for that revision re-lists; a stream the server ends
// is resumed from the last revision; an answer refused on purpose (4xx)
// ends the command with an error.
func TestGetWatchResumesAfterExpiry(t *testing.T) {
	errEvent, _ := json.Marshal(map[string]any{"type": "ERROR", "object": gone()})
	s := &watchScript{step: []func(http.ResponseWriter){
		stream(event(v1alpha1.Added, "a", "3", false), event(v1alpha1.Bookmark, "", "5", true),
			event(v1alpha1.Added, "b", "6", false), string(errEvent)+"\n"),
		func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusGone)
			json.NewEncoder(w).Encode(gone())
		},
		stream(event(v1alpha1.Added, "a", "3", false), event(v1alpha1.Added, "c", "9", false),
			event(v1alpha1.Bookmark, "", "9", true), event(v1alpha1.Deleted, "c", "10", false)),
		stream(event(v1alpha1.Added, "d", "11", false)),
	}}
	ts := httptest.NewServer(s)
	defer ts.Close()
	cfg := filepath.Join(t.TempDir(), "gwctl.yaml")
	writeConfig(t, cfg, ts.URL, "")

	var out, errOut testutil.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	code := gwctl(ctx, strings.NewReader(""), &out, &errOut, "--config", cfg, "get", "ch", "-w", "-o", "name", "--output-watch-events")
	if code != 1 || !strings.Contains(errOut.String(), "teapot") {
		t.Fatalf("exit %d, stderr %q; want 1 and the 418", code, errOut.String())
	}
	want := "ADDED charger/a\nADDED charger/b\nADDED charger/a\nADDED charger/c\nDELETED charger/c\nADDED charger/d\n"
	if out.String() != want {
		t.Errorf("output\n%s\nwant\n%s", out.String(), want)
	}
	if got := strings.Join(s.requests(), ","); got != ",6,,10,11" {
		t.Errorf("watch requests had resourceVersions %q, want \",6,,10,11\" (fresh, resume, re-list, resume, resume)", got)
	}
}

// TestGetWatchGivesUpOnRepeatedFailure: a server that keeps expiring every
// watch without delivering anything ends the command with an error.
func TestGetWatchGivesUpOnRepeatedFailure(t *testing.T) {
	errEvent, _ := json.Marshal(map[string]any{"type": "ERROR", "object": gone()})
	s := &watchScript{}
	for range maxRewatches + 1 {
		s.step = append(s.step, stream(string(errEvent)+"\n"))
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	cfg := filepath.Join(t.TempDir(), "gwctl.yaml")
	writeConfig(t, cfg, ts.URL, "")

	var out, errOut testutil.Buffer
	code := gwctl(t.Context(), strings.NewReader(""), &out, &errOut, "--config", cfg, "get", "ch", "-w")
	if code != 1 || !strings.Contains(errOut.String(), "gave up") {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	if n := len(s.requests()); n != maxRewatches+1 {
		t.Errorf("%d watch requests, want %d", n, maxRewatches+1)
	}
}

// TestGetWatchRidesOutAServerRestart: a server that ends the stream and
// then fails (a 5xx; a refused connection is handled alike) is retried,
// with a note on stderr, and the watch resumes from the last revision it
// saw. (TestGetWatchAcrossGwdRestart in cmd/gwd does it with a real gwd.)
func TestGetWatchRidesOutAServerRestart(t *testing.T) {
	s := &watchScript{step: []func(http.ResponseWriter){
		stream(event(v1alpha1.Added, "a", "3", false), event(v1alpha1.Bookmark, "", "5", true)),
		func(w http.ResponseWriter) { // the server is not ready yet
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			json.NewEncoder(w).Encode(v1alpha1.APIStatus{APIVersion: "v1", Kind: "Status", Status: "Failure",
				Code: http.StatusServiceUnavailable, Message: "starting"})
		},
		stream(event(v1alpha1.Added, "b", "7", false)),
	}}
	ts := httptest.NewServer(s)
	defer ts.Close()
	cfg := filepath.Join(t.TempDir(), "gwctl.yaml")
	writeConfig(t, cfg, ts.URL, "")

	var out, errOut testutil.Buffer
	code := gwctl(t.Context(), strings.NewReader(""), &out, &errOut, "--config", cfg, "get", "ch", "-w", "-o", "name", "--output-watch-events")
	if code != 1 || !strings.Contains(errOut.String(), "retrying until the server answers") {
		t.Errorf("exit %d, stderr %q; want the retry note and, at the end, the 418", code, errOut.String())
	}
	if want := "ADDED charger/a\nADDED charger/b\n"; out.String() != want {
		t.Errorf("output\n%s\nwant\n%s", out.String(), want)
	}
	if got := strings.Join(s.requests(), ","); got != ",5,5,7" {
		t.Errorf("watch requests had resourceVersions %q, want \",5,5,7\"", got)
	}
}
