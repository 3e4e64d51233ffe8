package ocpp_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ocppgw/ocppgw/drivers/ocpp/ocaschema"
)

// The OCA schemas are the test oracle, read in place: ocaschema finds them
// beside the module or one of its parents (so a git worktree finds the
// checkout's copy) or at $OCPP201_SCHEMAS.

var (
	ocaMu sync.Mutex
	ocaV  *ocaschema.Validator
)

// oca returns the Validator over the OCA schemas, shared by every test so
// that each schema compiles once. Without the schemas it skips the test,
// or fails it when CI is set (ocaschema.Need).
func oca(t testing.TB) *ocaschema.Validator {
	t.Helper()
	ocaMu.Lock()
	defer ocaMu.Unlock()
	if ocaV == nil {
		ocaV = ocaschema.Need(t)
	}
	return ocaV
}

// ocaDir returns the OCA schema directory, skipping or failing like oca.
func ocaDir(t testing.TB) string {
	t.Helper()
	oca(t)
	dir, err := ocaschema.Find()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// haveOCA is for tests that also check something else: it reports whether
// the oracle is there instead of skipping (and still fails under CI).
func haveOCA(t testing.TB) bool {
	t.Helper()
	if _, err := ocaschema.Find(); err != nil && os.Getenv("CI") == "" {
		return false
	}
	oca(t)
	return true
}

// ocaFiles lists the OCA schema file names.
func ocaFiles(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(ocaDir(t), "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	return names
}

// ocaCheck validates payload against the OCA schema file, such as
// BootNotificationRequest.json: nil when it conforms, the *ocaschema.Error
// when it breaks the schema. A payload that is not JSON, or a schema that
// is missing or does not compile, fails the test: it is no verdict.
func ocaCheck(t testing.TB, file string, payload []byte) error {
	t.Helper()
	if !json.Valid(payload) {
		t.Fatalf("not JSON, no payload to check against OCA %s: %s", file, payload)
	}
	err := oca(t).Validate(strings.TrimSuffix(file, ".json"), payload)
	var broken *ocaschema.Error
	if err != nil && !errors.As(err, &broken) {
		t.Fatalf("OCA %s: %v", file, err)
	}
	return err
}

// trimJSON turns "XRequest.json" into ("X", "Request").
func trimJSON(name string) (action, kind string) {
	base := strings.TrimSuffix(name, ".json")
	for _, k := range []string{"Request", "Response"} {
		if a, ok := strings.CutSuffix(base, k); ok {
			return a, k
		}
	}
	return base, ""
}
