package manifest

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ReadFiles reads and decodes manifests from each path: a file, a directory
// (its *.yaml, *.yml and *.json files sorted by name; subdirectories too when
// recursive, skipping hidden ones, in the lexical order of each directory), or "-" for stdin (Source "<stdin>").
// Like Decode it returns either every document or none: I/O problems are
// returned as plain errors, invalid documents as one *Errors covering all
// files. An object defined twice, in any files, is an error.
func ReadFiles(paths []string, recursive bool, stdin io.Reader) ([]Doc, error) {
	var d decoder
	for _, p := range paths {
		if p == "-" {
			if stdin == nil {
				return nil, fmt.Errorf("read manifests: no stdin to read \"-\" from")
			}
			data, err := io.ReadAll(stdin)
			if err != nil {
				return nil, fmt.Errorf("read manifests from stdin: %w", err)
			}
			d.decode("<stdin>", data)
			continue
		}
		files, err := manifestFiles(p, recursive)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("read manifests: %w", err)
			}
			d.decode(f, data)
		}
	}
	if err := d.errs.orNil(); err != nil {
		return nil, err
	}
	return d.docs, nil
}

// manifestFiles lists the files a path stands for.
func manifestFiles(p string, recursive bool) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var files []string
	if !recursive {
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, fmt.Errorf("read manifests: %w", err)
		}
		for _, e := range entries {
			if !e.IsDir() && isManifest(e.Name()) {
				files = append(files, filepath.Join(p, e.Name()))
			}
		}
		return files, nil
	}
	err = filepath.WalkDir(p, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && path != p && strings.HasPrefix(e.Name(), ".") {
			return filepath.SkipDir
		}
		if !e.IsDir() && isManifest(e.Name()) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read manifests: %w", err)
	}
	return files, nil
}

func isManifest(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return !strings.HasPrefix(name, ".")
	}
	return false
}
