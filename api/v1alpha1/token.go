package v1alpha1

import (
	"regexp"
	"time"
)

// Token is a bearer token of the admin API. Only the SHA-256 of the token
// is kept, never the token itself: whoever reads the store (or a backup)
// learns who may call the API, not how. Deleting a Token revokes it.
type Token struct {
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Metadata   ObjectMeta  `json:"metadata"`
	Spec       TokenSpec   `json:"spec"`
	Status     TokenStatus `json:"status"`
}

// The roles a Token may hold, from least to most.
const (
	RoleViewer   = "viewer"
	RoleOperator = "operator"
	RoleAdmin    = "admin"
)

// TokenRoles lists the roles, least first.
var TokenRoles = []string{RoleViewer, RoleOperator, RoleAdmin}

// TokenHashPrefix leads TokenSpec.Hash; the rest is lower-case hex.
const TokenHashPrefix = "sha256:"

// TokenSpec is what a token may do and until when.
type TokenSpec struct {
	// Role is viewer, operator or admin.
	Role string `json:"role" schema:"enum=role"`
	// Expiration is an RFC 3339 time after which the token is refused;
	// empty means it never expires.
	Expiration string `json:"expiration,omitempty" schema:"is=date-time"`
	// Hash is "sha256:" and the hex SHA-256 of the token. The API shows
	// it redacted.
	Hash string `json:"hash" schema:"is=tokenHash"`
}

// TokenStatus is empty but for the common part.
type TokenStatus struct {
	CommonStatus
}

var tokenHashRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// SetDefaults fills nothing: a token's role is always chosen.
func (s *TokenSpec) SetDefaults(*ObjectMeta) {}

// Validate returns every problem with the spec.
func (s *TokenSpec) Validate(*ObjectMeta) []FieldError {
	var errs fieldErrors
	p := FieldPath("spec")
	if s.Role == "" {
		errs.add(p.Key("role"), "required: one of "+quoteList(TokenRoles))
	}
	checkEnum(&errs, p.Key("role"), s.Role, TokenRoles)
	checkTime(&errs, p.Key("expiration"), s.Expiration)
	if !tokenHashRE.MatchString(s.Hash) {
		errs.add(p.Key("hash"), `must be "sha256:" and 64 lower-case hex digits (the SHA-256 of the token, never the token)`)
	}
	return errs
}

// Expired reports whether the token's expiration has passed at now. A
// malformed expiration counts as expired: refusing is the safe answer.
func (s *TokenSpec) Expired(now time.Time) bool {
	if s.Expiration == "" {
		return false
	}
	t, err := time.Parse(time.RFC3339Nano, s.Expiration)
	return err != nil || !now.Before(t)
}
