package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "../../schemas/ocpp", "directory to write the schema files to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run writes every schema and removes generated files whose action no
// longer has Go types, so the directory always equals the generator output.
func run(dir string) error {
	files, err := generate()
	if err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return fmt.Errorf("schemagen: %w", err)
	}
	for _, p := range old {
		name := filepath.Base(p)
		generated := strings.HasSuffix(name, "Request.json") || strings.HasSuffix(name, "Response.json")
		if _, keep := files[name]; !keep && generated {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("schemagen: remove stale %s: %w", p, err)
			}
		}
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("schemagen: %w", err)
		}
	}
	return nil
}
