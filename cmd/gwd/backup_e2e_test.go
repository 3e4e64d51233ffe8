package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// backupSecret is a Secret padded to make the store, and so the backup, large.
func backupSecret(name string) *v1alpha1.Object {
	return &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: "Secret",
		Metadata: v1alpha1.ObjectMeta{Name: name, Annotations: map[string]string{"pad": strings.Repeat("k", 4000)}},
		Spec:     []byte(`{"data":{"password":"pw-` + name + `"}}`)}
}

// ackLog records the objects gwd acknowledged and at which revision.
type ackLog struct {
	mu   sync.Mutex
	revs map[string]int64
}

func (a *ackLog) add(t *testing.T, o *v1alpha1.Object) {
	rv, err := strconv.ParseInt(o.Metadata.ResourceVersion, 10, 64)
	if err != nil {
		t.Errorf("%s: resourceVersion %q", o.Metadata.Name, o.Metadata.ResourceVersion)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.revs[o.Metadata.Name] = rv
}

func (a *ackLog) copy() map[string]int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int64, len(a.revs))
	for k, v := range a.revs {
		out[k] = v
	}
	return out
}

// seedSecrets creates n Secrets through the API, four at a time.
func seedSecrets(t *testing.T, c *client.Client, acks *ackLog, n int) {
	t.Helper()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				o, err := c.Create(context.Background(), backupSecret(fmt.Sprintf("seed-%04d", i)))
				if err != nil {
					t.Errorf("create seed-%04d: %v", i, err)
					return
				}
				acks.add(t, o)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// savedRevision reads the revision from gwctl backup's output.
var savedRevision = regexp.MustCompile(`at revision (\d+) to `)

// TestBackupWhileRunningThenRestore: `gwctl backup` takes a snapshot of a
// running gwd while a writer goes on creating Secrets; gwd is stopped, its
// data directory moved aside, and `gwd restore` puts the backup into a new
// one holding only the separately kept secret.key. gwd starts on it with
// every object acknowledged before the backup began, the writer's objects
// exactly up to the backup's revision, and a revision at least that one.
// Without the key, gwd refuses the restored store.
func TestBackupWhileRunningThenRestore(t *testing.T) {
	tmp := t.TempDir()
	dataDir := filepath.Join(tmp, "data")
	d := startGwd(t, dataDir)
	c := d.client(t)
	acks := &ackLog{revs: map[string]int64{}}
	seedSecrets(t, c, acks, 300)

	stop := make(chan struct{})
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			o, err := c.Create(context.Background(), backupSecret(fmt.Sprintf("during-%05d", i)))
			if err != nil {
				t.Errorf("writer: create during-%05d: %v", i, err)
				return
			}
			acks.add(t, o)
		}
	}()
	stopWriter := sync.OnceFunc(func() { close(stop); <-writerDone })
	defer stopWriter()

	backup := filepath.Join(tmp, "backups", "state.db")
	if err := os.MkdirAll(filepath.Dir(backup), 0o700); err != nil {
		t.Fatal(err)
	}
	ackedBefore := acks.copy()
	out, errOut, code := d.gwctl(t, nil, "backup", backup)
	duringBackup := len(acks.copy()) - len(ackedBefore)
	if code != 0 {
		t.Fatalf("gwctl backup: exit %d\n%s%s\ngwd log:\n%s", code, out, errOut, d.logs)
	}
	m := savedRevision.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("gwctl backup printed no revision: %q", out)
	}
	backupRev, _ := strconv.ParseInt(m[1], 10, 64)
	fi, _ := os.Stat(backup)
	t.Logf("%s; %d objects acknowledged while gwctl backup ran, backup %d bytes", strings.TrimSpace(out), duringBackup, fi.Size())

	stopWriter()
	acked := acks.copy()
	d.stop(t)

	aside := filepath.Join(tmp, "data.aside")
	if err := os.Rename(dataDir, aside); err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(tmp, "restored")
	restoreInto(t, restored, backup, filepath.Join(aside, keyFile))
	// The admin keeps their token as they keep the key: the restored store
	// holds its hash, and gwd makes no new one over existing Tokens.
	if b, err := os.ReadFile(filepath.Join(aside, clientConfigFile)); err != nil || os.WriteFile(filepath.Join(restored, clientConfigFile), b, 0o600) != nil {
		t.Fatalf("keep the admin's gwctl.yaml: %v", err)
	}
	d2 := startGwd(t, restored)
	defer d2.stop(t)
	checkRestored(t, d2.client(t), ackedBefore, acked, backupRev)

	noKey := filepath.Join(tmp, "restored-without-key")
	restoreInto(t, noKey, backup, "")
	code, log := runGwdToExit(t, noKey)
	if code == 0 || !strings.Contains(log, "encryption key") {
		t.Errorf("gwd on a restored store without its key: exit %d, want a refusal naming the key:\n%s", code, log)
	}
}

// restoreInto runs `gwd restore` of backup into a new data directory, after
// copying the key file there if one is given.
func restoreInto(t *testing.T, dataDir, backup, key string) {
	t.Helper()
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if key != "" {
		b, err := os.ReadFile(key)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dataDir, keyFile), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, filepath.Join(binDir, "gwd"), "restore", "--data-dir", dataDir, backup).CombinedOutput()
	if err != nil {
		t.Fatalf("gwd restore: %v\n%s", err, out)
	}
}

// checkRestored asserts what the restored gwd serves: every object
// acknowledged before the backup began, the others exactly when created at
// or below the backup's revision, and a revision at least that one.
func checkRestored(t *testing.T, c *client.Client, ackedBefore, acked map[string]int64, backupRev int64) {
	t.Helper()
	l, err := c.List(context.Background(), "Secret", "")
	if err != nil {
		t.Fatal(err)
	}
	if rev, _ := strconv.ParseInt(l.Metadata.ResourceVersion, 10, 64); rev < backupRev {
		t.Errorf("restored gwd at revision %d, below the backup's %d", rev, backupRev)
	}
	have := map[string]bool{}
	for _, o := range l.Items {
		have[o.Metadata.Name] = true
	}
	for name := range ackedBefore {
		if !have[name] {
			t.Fatalf("%s, acknowledged before the backup began, is missing after the restore", name)
		}
	}
	for name, rv := range acked {
		if have[name] != (rv <= backupRev) {
			t.Fatalf("%s acknowledged at revision %d: restored %v, but the backup is at revision %d", name, rv, have[name], backupRev)
		}
	}
	t.Logf("restored %d Secrets; %d were acknowledged before the backup began, %d in all", len(l.Items), len(ackedBefore), len(acked))
}
