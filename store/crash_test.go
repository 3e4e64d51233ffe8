package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/testutil"
)

// TestMain checks for goroutines left running by the tests and turns the
// test binary into a writer process when STORE_CRASH_DB is
// set: TestKillNineLosesNoAcknowledgedWrite runs it and kills it with SIGKILL.
func TestMain(m *testing.M) {
	if path := os.Getenv("STORE_CRASH_DB"); path != "" {
		crashWriter(path, os.Getenv("STORE_CRASH_PREFIX"))
		return
	}
	os.Exit(testutil.RunCheckingLeaks(m))
}

// crashWriter writes until killed, printing each acknowledged write.
func crashWriter(path, prefix string) {
	s, err := Open(path, Options{CompactInterval: -1, StatusFlushInterval: 5 * time.Millisecond})
	if err != nil {
		fmt.Println("open-error", err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		name := fmt.Sprintf("%s-%d", prefix, i)
		o, err := s.Create(obj("Charger", name, fmt.Sprintf(`{"i":%d}`, i)))
		if err != nil {
			fmt.Println("write-error", err)
			os.Exit(4)
		}
		s.QueueStatus("Charger", name, []byte(`{"polled":true}`))
		fmt.Println("ack", name, o.Metadata.ResourceVersion)
	}
}

func TestKillNineLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := filepath.Join(t.TempDir(), "state.db")
	acked := map[string]bool{}
	for round := range 8 {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "STORE_CRASH_DB="+path, fmt.Sprintf("STORE_CRASH_PREFIX=r%d", round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill after a random number of acknowledged writes, mid-stream.
		killAt := 5 + rand.IntN(40)
		n := 0
		for line := range lines {
			f := strings.Fields(line)
			if len(f) == 3 && f[0] == "ack" {
				acked[f[1]] = true
				n++
				if n == killAt {
					cmd.Process.Signal(syscall.SIGKILL)
				}
			} else if strings.Contains(line, "-error") {
				t.Fatalf("round %d: writer failed: %s", round, line)
			}
		}
		cmd.Wait()
		verifyAfterCrash(t, path, acked)
	}
}

func verifyAfterCrash(t *testing.T, path string, acked map[string]bool) {
	t.Helper()
	s, err := Open(path, Options{CompactInterval: -1})
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	for name := range acked {
		if _, err := s.Get("Charger", name); err != nil {
			t.Fatalf("acknowledged write lost: %s: %v", name, err)
		}
	}
	// The log holds every revision exactly once, in order, and a watch from 0
	// replays them all.
	w, err := s.Watch(context.Background(), WatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	seen := map[string]int{}
	for want := int64(1); want <= s.Revision(); want++ {
		ev := next(t, w)
		if got := rv(ev.Object); got != want {
			t.Fatalf("revision gap or disorder: got %d want %d", got, want)
		}
		if ev.Type == v1alpha1.Added {
			seen[ev.Object.Metadata.Name]++
		}
	}
	for name, c := range seen {
		if c != 1 {
			t.Fatalf("%s added %d times", name, c)
		}
	}
}
