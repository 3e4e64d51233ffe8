// Command resourcegen writes the resource kinds' JSON Schemas
// (schemas/resources/<kind>.json) from the types registered in
// api/v1alpha1, for editors: manifests name them in a yaml-language-server
// modeline. gwd does not read these files; it generates the same schemas in
// memory. Run it through go generate ./schemas.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	// The protocols gwd links, so editors check their connections and
	// read sections as gwd does.
	_ "github.com/ocppgw/ocppgw/drivers/linked"
)

func main() {
	out := flag.String("out", "resources", "directory to write the schema files to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// files returns every schema file by name, as the registered types give it.
func files() map[string][]byte {
	out := map[string][]byte{}
	for _, k := range v1alpha1.Kinds() {
		b, _ := v1alpha1.ResourceSchema(k.Kind)
		out[strings.ToLower(k.Kind)+".json"] = b
	}
	return out
}

// run writes every schema and removes the .json files of kinds no longer
// registered, so the directory always equals the generator output.
func run(dir string) error {
	want := files()
	old, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return fmt.Errorf("resourcegen: %w", err)
	}
	for _, p := range old {
		if _, keep := want[filepath.Base(p)]; !keep {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("resourcegen: remove stale %s: %w", p, err)
			}
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("resourcegen: %w", err)
	}
	for name, b := range want {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("resourcegen: %w", err)
		}
	}
	return nil
}
