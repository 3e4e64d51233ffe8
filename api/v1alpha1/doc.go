// Package v1alpha1 holds the ocppgw.dev/v1alpha1 resource kinds: their Go types,
// defaulting and validation. It does no I/O.
//
// Every resource travels as an Object: a Kubernetes-shaped envelope (apiVersion,
// kind, metadata) around a kind-specific spec and status kept as raw JSON, so the
// store and the API server stay kind-agnostic. The typed views (Charger, Template,
// …) are decoded from an Object when a component needs the fields.
package v1alpha1
