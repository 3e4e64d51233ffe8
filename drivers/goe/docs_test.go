package goe

import (
	"os"
	"strings"
	"testing"

	"github.com/ocppgw/ocppgw/cel"
)

// TestGuideDocumentsTheEnvironment: docs/templates.md describes what a go-e
// template's expressions can use, and the environments declare it where
// the guide says: status everywhere, setKey in commands only.
func TestGuideDocumentsTheEnvironment(t *testing.T) {
	raw, err := os.ReadFile("../../docs/templates.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"### `read.goe`", "`status` (map<string, dyn>", "`setKey(string key, dyn value) → write`"} {
		if !strings.Contains(string(raw), s) {
			t.Errorf("docs/templates.md lacks %q", s)
		}
	}
	if _, err := cel.Compile(cel.SignalEnv(Protocol), `status.car == 2.0`, cel.OutputBool); err != nil {
		t.Errorf("status in signals: %v", err)
	}
	if _, err := cel.Compile(cel.SignalEnv(Protocol), `setKey("amp", 6)`, cel.OutputWrites); err == nil {
		t.Error("setKey compiles in a signal")
	}
	if _, err := cel.Compile(cel.CommandEnv(Protocol, "stop"), `setKey("frc", status.frc)`, cel.OutputWrites); err != nil {
		t.Errorf("setKey in a command: %v", err)
	}
	if _, err := cel.Compile(cel.CommandEnv(Protocol, "stop"), `writeRegister(1, 1)`, cel.OutputWrites); err == nil {
		t.Error("a Modbus write compiles in a go-e command")
	}
}
