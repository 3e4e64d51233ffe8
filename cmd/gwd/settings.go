package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/manifest"
)

const (
	// configFlag names the settings file; $OCPPGW_CONFIG when not given.
	configFlag = "config"
	// envPrefix starts the variable of each flag: OCPPGW_LOG_LEVEL for --log-level.
	envPrefix = "OCPPGW_"
	// maxSettingsBytes bounds the settings file: it holds a few dozen keys.
	maxSettingsBytes = 64 << 10
)

// notSettings are the flags that no variable or file key sets.
var notSettings = map[string]bool{configFlag: true, "help": true, "version": true}

// envName is the variable that sets flag name.
func envName(name string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// applySettings gives every flag of cmd not set on the command line its
// OCPPGW_<FLAG> variable or, failing that, its key in the settings file.
// Keys are checked against all of gwd's flags, so one file serves the daemon
// and the store commands, and a misspelt key is an error, not ignored.
func applySettings(cmd *cobra.Command, _ []string) error {
	path, _ := cmd.Flags().GetString(configFlag)
	if path == "" {
		path = os.Getenv(envName(configFlag))
	}
	file := map[string]string{}
	if path != "" {
		var err error
		if file, err = readSettings(path, settingNames(cmd.Root())); err != nil {
			return err
		}
	}
	var errs []error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || notSettings[f.Name] {
			return
		}
		source := ""
		value, ok := os.LookupEnv(envName(f.Name))
		if ok {
			source = "$" + envName(f.Name)
		} else if value, ok = file[f.Name]; ok {
			source = path + ": " + f.Name
		} else {
			return
		}
		if err := cmd.Flags().Set(f.Name, value); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", source, value, err))
		}
	})
	return errors.Join(errs...)
}

// settingNames are the keys a settings file may hold: the flags of root and
// of its subcommands.
func settingNames(root *cobra.Command) map[string]bool {
	names := map[string]bool{}
	add := func(f *pflag.Flag) {
		if !notSettings[f.Name] {
			names[f.Name] = true
		}
	}
	root.Flags().VisitAll(add)
	for _, c := range root.Commands() {
		c.Flags().VisitAll(add)
	}
	return names
}

// readSettings reads a YAML mapping of flag names to single values through
// the manifest limits, and refuses keys that are no flag.
func readSettings(path string, known map[string]bool) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSettingsBytes+1))
	if err != nil {
		return nil, fmt.Errorf("settings %s: %w", path, err)
	}
	if len(data) > maxSettingsBytes {
		return nil, fmt.Errorf("settings %s: larger than %d bytes", path, maxSettingsBytes)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return map[string]string{}, nil
	}
	js, err := manifest.ToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("settings %s: %w", path, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(js, &raw); err != nil {
		return nil, fmt.Errorf("settings %s: want a mapping of flag names to values: %w", path, err)
	}
	out := make(map[string]string, len(raw))
	for _, key := range sortedKeys(raw) {
		if !known[key] {
			return nil, fmt.Errorf("settings %s: unknown key %q; the keys are gwd's flag names (gwd --help)", path, key)
		}
		v, err := scalar(raw[key])
		if err != nil {
			return nil, fmt.Errorf("settings %s: %s: %w", path, key, err)
		}
		out[key] = v
	}
	return out, nil
}

// scalar is a JSON string, number or boolean as a flag would take it.
func scalar(v json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(v, &s); err == nil {
		return s, nil
	}
	switch t := bytes.TrimSpace(v); {
	case len(t) == 0, t[0] == '{', t[0] == '[', string(t) == "null":
		return "", fmt.Errorf("want a single value, not %s", t)
	default:
		return string(t), nil // a number or true/false
	}
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
