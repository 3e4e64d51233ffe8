package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// runAdminToken (gwd admin-token NAME, gwd stopped) is the way back in when
// every admin token is lost: whoever may open the store file and its key
// already holds everything, so making an admin token there grants nothing
// new. The token goes into <data-dir>/gwctl.yaml as gwd's first start
// puts the initial one, keeping the server and pinned certificate there.
func runAdminToken(dataDir, keyPath string, args []string, out io.Writer) error {
	name := args[0]
	if keyPath == "" {
		keyPath = filepath.Join(dataDir, keyFile)
	}
	key, err := readKeyFile(keyPath)
	if err != nil {
		return err
	}
	st, err := store.Open(filepath.Join(dataDir, storeFile), store.Options{EncryptionKey: key, CompactInterval: -1, LockWait: 2 * time.Second})
	if err != nil {
		return err
	}
	o, secret, err := auth.NewToken(name, v1alpha1.RoleAdmin, time.Time{})
	if err == nil {
		_, err = st.Create(o)
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("token %q: %w", name, err)
	}
	path := filepath.Join(dataDir, clientConfigFile)
	cfg, err := client.LoadConfig(path)
	if err != nil {
		cfg = &client.Config{} // gwd writes the server and certificate at its next start
	}
	cfg.Token = secret
	if err := cfg.Save(path); err != nil {
		return err
	}
	fmt.Fprintf(out, "gwd admin-token: admin token %q made and written into %s; revoke lost ones with gwctl token revoke\n", name, path)
	return nil
}
