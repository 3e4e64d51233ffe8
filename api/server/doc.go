// Package server serves the ocppgw.dev/v1alpha1 admin API over HTTP: CRUD, watch and apply on the store.
// Every request but /healthz and /readyz carries a bearer token, checked against the Token objects
// and authorized by its role through api/auth (authz.go).
package server
