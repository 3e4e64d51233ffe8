package ocppschema

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
)

// TestFilesArePairedAndIdentified checks what the validator relies on:
// every embedded file is a draft-07 schema whose $id is BaseURL plus its
// file name, and each action has both a request and a response schema.
func TestFilesArePairedAndIdentified(t *testing.T) {
	names, err := fs.Glob(FS(), "*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(names) == 0 {
		t.Fatal("no schemas embedded")
	}
	seen := map[string]int{}
	for _, name := range names {
		b, err := File(name)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Schema string `json:"$schema"`
			ID     string `json:"$id"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if doc.ID != BaseURL+name || doc.Schema != "http://json-schema.org/draft-07/schema#" {
			t.Errorf("%s: $id %q, $schema %q", name, doc.ID, doc.Schema)
		}
		base := strings.TrimSuffix(name, ".json")
		switch {
		case strings.HasSuffix(base, "Request"):
			seen[strings.TrimSuffix(base, "Request")]++
		case strings.HasSuffix(base, "Response"):
			seen[strings.TrimSuffix(base, "Response")]++
		default:
			t.Errorf("%s is neither a request nor a response schema", name)
		}
	}
	for action, n := range seen {
		if n != 2 {
			t.Errorf("%s has %d of its 2 schemas", action, n)
		}
	}
}
