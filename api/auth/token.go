package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// TokenPrefix leads every token this package makes, so that a secret
// scanner (or a person) recognises one in a file or a paste.
const TokenPrefix = "gwt_"

// tokenBytes is the entropy of a token: 256 bits, beyond any guessing, so
// one unsalted SHA-256 is a safe way to keep it.
const tokenBytes = 32

// Errors of Authenticate. Each is answered 401.
var (
	ErrNoToken      = errors.New("auth: no bearer token")
	ErrInvalidToken = errors.New("auth: the bearer token is not valid (unknown or revoked)")
	ErrExpiredToken = errors.New("auth: the bearer token has expired")
)

// Identity is who made a request: the Token's name and role.
type Identity struct {
	Name string
	Role string
}

// NewSecret returns a new random token.
func NewSecret() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make token: %w", err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Hash returns what a Token keeps of a token: "sha256:" and its hex digest.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return v1alpha1.TokenHashPrefix + hex.EncodeToString(sum[:])
}

// NewToken makes a Token object of a new random token and returns both; the
// token is shown once to whoever asked and kept nowhere. A zero expiration
// never expires.
func NewToken(name, role string, expiration time.Time) (*v1alpha1.Object, string, error) {
	secret, err := NewSecret()
	if err != nil {
		return nil, "", err
	}
	spec := v1alpha1.TokenSpec{Role: role, Hash: Hash(secret)}
	if !expiration.IsZero() {
		spec.Expiration = expiration.UTC().Format(time.RFC3339)
	}
	raw, err := json.Marshal(spec)
	if err != nil {
		return nil, "", fmt.Errorf("make token %q: %w", name, err)
	}
	o := &v1alpha1.Object{APIVersion: v1alpha1.APIVersion, Kind: v1alpha1.KindToken,
		Metadata: v1alpha1.ObjectMeta{Name: name}, Spec: raw}
	if err := v1alpha1.Admit(o); err != nil {
		return nil, "", err
	}
	return o, secret, nil
}

// Authenticate finds the Token among tokens whose hash is that of
// presented, comparing in constant time, and returns its identity. A token
// that was deleted is simply not among them: revoked is unknown.
func Authenticate(tokens []*v1alpha1.Object, presented string, now time.Time) (Identity, error) {
	if presented == "" {
		return Identity{}, ErrNoToken
	}
	want := []byte(Hash(presented))
	var found *v1alpha1.Token
	for _, o := range tokens {
		t, err := v1alpha1.DecodeToken(o)
		if err != nil {
			continue // an unreadable Token authenticates no one
		}
		// No early exit: the time taken does not say which one matched.
		if subtle.ConstantTimeCompare([]byte(t.Spec.Hash), want) == 1 {
			found = t
		}
	}
	switch {
	case found == nil:
		return Identity{}, ErrInvalidToken
	case found.Spec.Expired(now):
		return Identity{}, fmt.Errorf("%w: token %q expired at %s", ErrExpiredToken, found.Metadata.Name, found.Spec.Expiration)
	}
	return Identity{Name: found.Metadata.Name, Role: found.Spec.Role}, nil
}
