package clidocs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestGenDocsWritesPagesAndCompletionsOfTheTree(t *testing.T) {
	root := &cobra.Command{Use: "demo", Short: "a demo", Long: "Reads <data-dir>/demo.yaml."}
	root.PersistentFlags().String("config", "", "a file, default <home>/demo.yaml")
	sub := &cobra.Command{Use: "check", Short: "check things", Run: func(*cobra.Command, []string) {}}
	sub.Flags().String("data-dir", "", "directory of the <state> store")
	root.AddCommand(sub, Command())
	dir := t.TempDir()
	root.SetArgs([]string{"gen-docs", dir})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct{ file, text string }{
		{"man/demo.1", "demo-check(1)"}, // the root page links its subcommands
		{"man/demo-check.1", `\fB--data-dir\fP`},
		// markdown would take <...> for HTML and drop it
		{"man/demo.1", "Reads <data-dir>/demo.yaml."},
		{"man/demo-check.1", "directory of the <state> store"},
		{"man/demo-check.1", "a file, default <home>/demo.yaml"}, // inherited: escaped once
		{"bash/demo", "__start_demo"},
		{"zsh/_demo", "#compdef demo"},
	} {
		b, err := os.ReadFile(filepath.Join(dir, w.file))
		if err != nil {
			t.Errorf("%s: %v", w.file, err)
			continue
		}
		if !strings.Contains(string(b), w.text) {
			t.Errorf("%s lacks %q:\n%s", w.file, w.text, b)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "man", "demo-gen-docs.1")); err == nil {
		t.Error("the hidden gen-docs command got a man page")
	}
}
