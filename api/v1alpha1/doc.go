// Package v1alpha1 holds the ocppgw.dev/v1alpha1 resource kinds: their Go types,
// defaulting and validation. It does no I/O.
//
// Every resource travels as an Object: a Kubernetes-shaped envelope (apiVersion,
// kind, metadata) around a kind-specific spec and status kept as raw JSON, so the
// store and the API server stay kind-agnostic. The typed views (Charger, Template,
// …) are decoded from an Object when a component needs the fields.
//
// Every kind is registered once in the scheme (register.go): its names,
// scope, Go types, printer columns, references, redacted fields and whether
// the store seals it. The API server, gwctl, the store options and the
// controllers read these facts from the scheme; the resource JSON Schemas are
// generated from the registered types and their `schema` struct tags
// (resourceschema.go).
package v1alpha1
