package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/ocppgw/ocppgw/api/auth"
	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/store"
)

// initialTokenName names the admin token gwd makes at its first start.
const initialTokenName = "initial-admin"

// writeClientConfig writes <data-dir>/gwctl.yaml with the API's URL, so that
// gwctl run by the same user needs no flags. While the store holds no Token
// at all, gwd makes an admin token and puts it in the file: the only way in
// to a new gateway, readable by its owner alone (0600). Otherwise the
// file keeps the token it had; revoking that token is the admin's choice,
// and gwd does not make another behind their back.
func writeClientConfig(st *store.Store, dataDir, url string, cert certSource, log *slog.Logger) (string, error) {
	path := filepath.Join(dataDir, clientConfigFile)
	ca, err := caData(cert)
	if err != nil {
		return "", err
	}
	cfg := &client.Config{Server: url, CertificateAuthorityData: ca}
	if old, err := client.LoadConfig(path); err == nil {
		cfg.Token = old.Token
	} else if !errors.Is(err, os.ErrNotExist) {
		log.Warn("the old client config is unreadable; writing a new one", "path", path, "err", err)
	}
	tokens, _ := st.List(v1alpha1.KindToken)
	if len(tokens) > 0 {
		if _, err := auth.Authenticate(tokens, cfg.Token, time.Now()); err != nil {
			// A restored store, a revoked token: gwctl will be refused.
			log.Warn("the client config holds no valid token; gwctl needs --config with one (gwctl token create)",
				"clientConfig", path, "reason", err)
		}
	}
	if len(tokens) == 0 {
		o, secret, err := auth.NewToken(initialTokenName, v1alpha1.RoleAdmin, time.Time{})
		if err != nil {
			return "", err
		}
		if _, err := st.Create(o); err != nil {
			return "", fmt.Errorf("store the initial admin token: %w", err)
		}
		cfg.Token = secret
		log.Info("made the initial admin token; it is in the client config, readable by its owner only",
			"token", initialTokenName, "clientConfig", path)
	}
	if err := cfg.Save(path); err != nil {
		return "", fmt.Errorf("write client config: %w", err)
	}
	return path, nil
}
