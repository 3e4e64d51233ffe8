package rpc

import (
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"runtime"
	"sync"
	"weak"
)

// rootPools holds one parsed pool per CSMS root bundle. Every station of a
// CSMS trusts the same bundle, and each parsing it again would hold its own
// copy of every certificate for as long as its connection lives. A pool is
// never changed once built, so stations can share it. Entries are weak: a
// bundle no station uses any more (the operator replaced it) is collected.
var rootPools = struct {
	sync.Mutex
	m map[[sha256.Size]byte]weak.Pointer[x509.CertPool]
}{m: map[[sha256.Size]byte]weak.Pointer[x509.CertPool]{}}

// rootPool returns the shared pool of a PEM bundle, parsing it on first use.
func rootPool(bundle []byte) (*x509.CertPool, error) {
	key := sha256.Sum256(bundle)
	rootPools.Lock()
	defer rootPools.Unlock()
	if p := rootPools.m[key].Value(); p != nil {
		return p, nil
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(bundle) {
		return nil, errors.New("rpc: TLS options: RootCAs holds no PEM certificate")
	}
	rootPools.m[key] = weak.Make(p)
	runtime.AddCleanup(p, forgetRootPool, key)
	return p, nil
}

// forgetRootPool drops the entry of a collected pool, unless the bundle
// was parsed again since.
func forgetRootPool(key [sha256.Size]byte) {
	rootPools.Lock()
	defer rootPools.Unlock()
	if rootPools.m[key].Value() == nil {
		delete(rootPools.m, key)
	}
}
