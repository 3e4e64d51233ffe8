package main

import (
	"github.com/spf13/pflag"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/manifest"
)

// manifestInput is what apply and diff share: the -f/-R flags, the
// manifests read from them, and the client they are sent with.
type manifestInput struct {
	filenames []string
	recursive bool

	docs   []manifest.Doc
	client *client.Client
}

func (m *manifestInput) addFlags(f *pflag.FlagSet) {
	f.StringArrayVarP(&m.filenames, "filename", "f", nil, "file, directory or - (stdin) with manifests; repeatable")
	f.BoolVarP(&m.recursive, "recursive", "R", false, "read directories recursively")
}

func (m *manifestInput) validate() error {
	if len(m.filenames) == 0 {
		return localError("gwctl.noManifest")
	}
	return nil
}

// complete reads and validates the manifests, then builds the client.
// Invalid manifests end the command here, before the server is contacted.
func (m *manifestInput) complete(root *rootOptions, streams IOStreams) error {
	docs, err := readManifests(m.filenames, m.recursive, streams)
	if err != nil {
		return err
	}
	m.docs = docs
	m.client, err = root.newClient()
	return err
}
