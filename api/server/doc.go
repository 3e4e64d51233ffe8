// Package server serves the ocppgw.dev/v1alpha1 admin API over HTTP: CRUD, watch and apply on the store.
package server
