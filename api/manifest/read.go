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
//
// Every source is held to the limits of limits.go: a file or stdin over
// MaxSourceBytes is refused before it is read whole, and a limit hit ends
// the read with a *LimitError naming the file.
func ReadFiles(paths []string, recursive bool, stdin io.Reader) ([]Doc, error) {
	var d decoder
	var total int64
	add := func(source string, r io.Reader) error {
		data, err := readLimited(source, r, &total)
		if err != nil {
			return err
		}
		return d.decode(source, data)
	}
	for _, p := range paths {
		if p == "-" {
			if stdin == nil {
				return nil, fmt.Errorf("read manifests: no stdin to read \"-\" from")
			}
			if err := add("<stdin>", stdin); err != nil {
				return nil, err
			}
			continue
		}
		files, err := manifestFiles(p, recursive)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if err := readFile(f, add); err != nil {
				return nil, err
			}
		}
	}
	if err := d.errs.orNil(); err != nil {
		return nil, err
	}
	return d.docs, nil
}

func readFile(name string, add func(string, io.Reader) error) error {
	f, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("read manifests: %w", err)
	}
	defer f.Close()
	return add(name, f)
}

// readLimited reads one source, refusing it as soon as it passes
// MaxSourceBytes or takes the sources read so far past MaxTotalBytes.
func readLimited(source string, r io.Reader, total *int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSourceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read manifests from %s: %w", source, err)
	}
	if len(data) > MaxSourceBytes {
		return nil, &LimitError{Limit: LimitBytes, Max: MaxSourceBytes, Source: source,
			Detail: fmt.Sprintf("more than %d bytes", MaxSourceBytes)}
	}
	if *total += int64(len(data)); *total > MaxTotalBytes {
		return nil, &LimitError{Limit: LimitTotalBytes, Max: MaxTotalBytes, Source: source,
			Detail: fmt.Sprintf("the manifests read up to here, %d bytes,", *total)}
	}
	return data, nil
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
