package clidocs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"
)

// Command returns the hidden `gen-docs DIR` command. It documents the root
// of the tree it is added to and writes DIR/man/*.1, DIR/bash/<name> and
// DIR/zsh/_<name>, the names bash-completion and zsh look up.
func Command() *cobra.Command {
	return &cobra.Command{
		Use:    "gen-docs DIR",
		Short:  "write man pages and shell completions into DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return Generate(cmd.Root(), args[0])
		},
	}
}

// Generate writes root's man pages and completions under dir.
func Generate(root *cobra.Command, dir string) error {
	root.DisableAutoGenTag = true // no date in the pages: the same source gives the same package
	name := root.Name()
	for _, sub := range []string{"man", "bash", "zsh"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fmt.Errorf("gen-docs: %w", err)
		}
	}
	if err := root.GenBashCompletionFileV2(filepath.Join(dir, "bash", name), true); err != nil {
		return fmt.Errorf("gen-docs: bash completion of %s: %w", name, err)
	}
	if err := root.GenZshCompletionFile(filepath.Join(dir, "zsh", "_"+name)); err != nil {
		return fmt.Errorf("gen-docs: zsh completion of %s: %w", name, err)
	}
	// The man pages pass through markdown, where <data-dir> would be an
	// HTML tag and vanish. This runs last: it edits the tree's texts.
	escapeAngles(root)
	hdr := &doc.GenManHeader{Section: "1", Source: "ocppgw", Manual: "ocppgw manual"}
	if err := doc.GenManTree(root, hdr, filepath.Join(dir, "man")); err != nil {
		return fmt.Errorf("gen-docs: man pages of %s: %w", name, err)
	}
	return nil
}

// escapeAngles backslash-escapes '<' in the texts of root's tree, each flag
// once although a persistent flag shows in many commands.
func escapeAngles(root *cobra.Command) {
	esc := func(s string) string { return strings.ReplaceAll(s, "<", `\<`) }
	done := map[*pflag.Flag]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Short, c.Long, c.Example = esc(c.Short), esc(c.Long), esc(c.Example)
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !done[f] {
				done[f], f.Usage = true, esc(f.Usage)
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}
