package ocaschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// EnvDir names the environment variable that overrides where the schemas are.
const EnvDir = "OCPP201_SCHEMAS"

// ErrNoSchema means the directory has no schema of that name: an action
// OCPP 2.0.1 does not define.
var ErrNoSchema = errors.New("ocaschema: no such schema")

// Error is a payload that breaks its schema.
type Error struct {
	Schema   string // the schema's name, e.g. TransactionEventRequest
	Instance string // JSON pointer of the offending value, "" for the root
	// Keyword is the rule broken (required, maxLength, enum, type,
	// additionalProperties ...), or "" when the payload is not JSON.
	Keyword string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("ocaschema: %s at %q: %s", e.Schema, e.Instance, e.Message)
}

// Find returns the schema directory: $OCPP201_SCHEMAS, or else the first
// shared/ocpp201/schemas beside the module root or one of its parents, so a
// git worktree below the checkout finds the same copy.
func Find() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, check(d)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("ocaschema: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("ocaschema: no go.mod above the working directory")
		}
		dir = parent
	}
	for {
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("ocaschema: no shared/ocpp201/schemas beside the module or above it; set %s", EnvDir)
		}
		dir = parent
		if d := filepath.Join(dir, "shared", "ocpp201", "schemas"); check(d) == nil {
			return d, nil
		}
	}
}

func check(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "BootNotificationRequest.json")); err != nil {
		return fmt.Errorf("ocaschema: no OCA schemas at %s: %w", dir, err)
	}
	return nil
}

// Need returns a Validator over the schemas Find locates. Without them it
// skips the test with a hint, or fails it when the CI variable is set.
func Need(tb testing.TB) *Validator {
	tb.Helper()
	dir, err := Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("CI is set and the OCA schemas are missing: %v", err)
		}
		tb.Skipf("skipping: %v", err)
	}
	return New(dir)
}

// Validator checks payloads against the schemas of one directory. It
// compiles each schema on first use and is safe for concurrent use. Its
// methods fit drivers/ocpp/rpc.Validator.
type Validator struct {
	dir     string
	mu      sync.Mutex
	schemas map[string]*jsonschema.Schema
}

// New returns a Validator over the schema files in dir.
func New(dir string) *Validator {
	return &Validator{dir: dir, schemas: map[string]*jsonschema.Schema{}}
}

// ValidateRequest checks the payload of a CALL of action.
func (v *Validator) ValidateRequest(action string, payload []byte) error {
	return v.Validate(action+"Request", payload)
}

// ValidateResponse checks the payload of a CALLRESULT to action.
func (v *Validator) ValidateResponse(action string, payload []byte) error {
	return v.Validate(action+"Response", payload)
}

// Validate checks payload against the schema <name>.json, for example
// TransactionEventRequest. A payload that breaks it, or is not JSON, is an
// *Error; a name without a schema is ErrNoSchema.
func (v *Validator) Validate(name string, payload []byte) error {
	s, err := v.schema(name)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(payload))
	d.UseNumber()
	var doc any
	if err := d.Decode(&doc); err != nil {
		return &Error{Schema: name, Message: "not JSON: " + err.Error()}
	}
	var ve *jsonschema.ValidationError
	if err := s.Validate(doc); errors.As(err, &ve) {
		for len(ve.Causes) > 0 {
			ve = ve.Causes[0]
		}
		loc := ve.KeywordLocation
		return &Error{Schema: name, Instance: ve.InstanceLocation, Keyword: loc[strings.LastIndexByte(loc, '/')+1:], Message: ve.Message}
	} else if err != nil {
		return fmt.Errorf("ocaschema: %s: %w", name, err)
	}
	return nil
}

func (v *Validator) schema(name string) (*jsonschema.Schema, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if s, ok := v.schemas[name]; ok {
		return s, nil
	}
	path := filepath.Join(v.dir, name+".json")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w: %s (%v)", ErrNoSchema, name, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	s, err := c.Compile(path)
	if err != nil {
		return nil, fmt.Errorf("ocaschema: schema %s: %w", name, err)
	}
	v.schemas[name] = s
	return s, nil
}
