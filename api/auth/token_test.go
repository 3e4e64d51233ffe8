package auth

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

func TestNewTokenKeepsOnlyTheHash(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	o, secret, err := NewToken("ci", v1alpha1.RoleViewer, exp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) != len(TokenPrefix)+43 {
		t.Errorf("token %q: want %s and 43 base64url characters", secret, TokenPrefix)
	}
	body := strings.TrimPrefix(secret, TokenPrefix)
	if bytes.Contains(o.Spec, []byte(body)) {
		t.Fatalf("the Token object holds the token: %s", o.Spec)
	}
	tok, err := v1alpha1.DecodeToken(o)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Spec.Hash != Hash(secret) || tok.Spec.Role != "viewer" || tok.Spec.Expiration != "2030-01-02T03:04:05Z" {
		t.Errorf("spec %+v", tok.Spec)
	}
	_, other, _ := NewToken("ci", v1alpha1.RoleViewer, time.Time{})
	if other == secret {
		t.Error("two tokens are equal")
	}
	if _, _, err := NewToken("ci", "root", time.Time{}); err == nil {
		t.Error("a token of an unknown role was made")
	}
}

func TestAuthenticate(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	ops, opsSecret, _ := NewToken("ops", v1alpha1.RoleOperator, time.Time{})
	old, oldSecret, _ := NewToken("old", v1alpha1.RoleAdmin, now.Add(-time.Second))
	soon, soonSecret, _ := NewToken("soon", v1alpha1.RoleViewer, now.Add(time.Hour))
	tokens := []*v1alpha1.Object{ops, old, soon}
	for _, c := range []struct {
		name, presented string
		want            Identity
		err             error
	}{
		{"operator", opsSecret, Identity{"ops", "operator"}, nil},
		{"not yet expired", soonSecret, Identity{"soon", "viewer"}, nil},
		{"expired", oldSecret, Identity{}, ErrExpiredToken},
		{"none", "", Identity{}, ErrNoToken},
		{"wrong", opsSecret + "x", Identity{}, ErrInvalidToken},
		{"the hash itself", Hash(opsSecret), Identity{}, ErrInvalidToken},
	} {
		id, err := Authenticate(tokens, c.presented, now)
		if id != c.want || !errors.Is(err, c.err) {
			t.Errorf("%s: %+v, %v; want %+v, %v", c.name, id, err, c.want, c.err)
		}
	}
	// Revoked is deleted: the same token against the list without it.
	if _, err := Authenticate([]*v1alpha1.Object{old, soon}, opsSecret, now); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("revoked: %v", err)
	}
	// At the very second of its expiration a token is refused.
	if _, err := Authenticate(tokens, soonSecret, now.Add(time.Hour)); !errors.Is(err, ErrExpiredToken) {
		t.Errorf("at expiration: %v", err)
	}
}

func TestIdentityContext(t *testing.T) {
	if _, ok := IdentityFrom(context.Background()); ok {
		t.Error("an identity from nowhere")
	}
	id := Identity{"a", "viewer"}
	if got, ok := IdentityFrom(WithIdentity(context.Background(), id)); !ok || got != id {
		t.Errorf("got %+v, %v", got, ok)
	}
}
