// Package manifest reads multi-document YAML or JSON manifests into admitted
// objects, reporting every bad document by file, document, field and reason.
package manifest
