package clidocs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestGenDocsWritesPagesAndCompletionsOfTheTree(t *testing.T) {
	root := &cobra.Command{Use: "demo", Short: "a demo"}
	sub := &cobra.Command{Use: "check", Short: "check things", Run: func(*cobra.Command, []string) {}}
	sub.Flags().String("data-dir", "", "directory of the state store")
	root.AddCommand(sub, Command())
	dir := t.TempDir()
	root.SetArgs([]string{"gen-docs", dir})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"man/demo.1":       "demo-check(1)", // the root page links its subcommands
		"man/demo-check.1": `\fB--data-dir\fP`,
		"bash/demo":        "__start_demo",
		"zsh/_demo":        "#compdef demo",
	}
	for name, text := range want {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !strings.Contains(string(b), text) {
			t.Errorf("%s lacks %q:\n%s", name, text, b)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "man", "demo-gen-docs.1")); err == nil {
		t.Error("the hidden gen-docs command got a man page")
	}
}
