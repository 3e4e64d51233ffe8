package rpc

import (
	"crypto/sha256"
	"crypto/x509"
	"runtime"
	"testing"
	"time"
)

// TestStationsShareRootPool: stations of one CSMS bundle share one parsed
// pool, another bundle gets its own, and a pool no station holds any more
// is forgotten.
func TestStationsShareRootPool(t *testing.T) {
	a, b := newCA(t, "root A"), newCA(t, "root B")
	config := func(bundle []byte) TLSOptions {
		return TLSOptions{URL: "wss://" + csmsHost + "/ocpp", RootCAs: bundle}
	}
	c1, err1 := StationTLSConfig(config(a.pem))
	c2, err2 := StationTLSConfig(config(append([]byte(nil), a.pem...)))
	c3, err3 := StationTLSConfig(config(b.pem))
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			t.Fatal(err)
		}
	}
	if c1.RootCAs != c2.RootCAs {
		t.Error("two stations of one CSMS bundle parsed it twice")
	}
	if c1.RootCAs == c3.RootCAs {
		t.Fatal("two different bundles share one pool")
	}
	want := x509.NewCertPool()
	want.AddCert(b.cert)
	if !c3.RootCAs.Equal(want) {
		t.Fatal("the pool of bundle B does not hold B's root")
	}
	if _, err := StationTLSConfig(config([]byte("no PEM here"))); err == nil {
		t.Fatal("a bundle without a certificate was accepted")
	}

	keyB := sha256.Sum256(b.pem)
	c3 = nil
	deadline := time.Now().Add(wait)
	for knownPool(keyB) {
		if time.Now().After(deadline) {
			t.Fatal("the pool of a bundle no station holds is never forgotten")
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	runtime.KeepAlive(c1)
	runtime.KeepAlive(c2)
	if !knownPool(sha256.Sum256(a.pem)) {
		t.Fatal("the pool of a bundle still in use was forgotten")
	}
}

func knownPool(key [sha256.Size]byte) bool {
	rootPools.Lock()
	defer rootPools.Unlock()
	_, ok := rootPools.m[key]
	return ok
}
