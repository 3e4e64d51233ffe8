// Package field names the fields of a JSON document and the problems found
// in them: a dotted Path such as "spec.evses[1].id" and an Error pairing one
// with a reason worded for a person. The resource kinds (api/v1alpha1) and
// the schema validator (schemas/validate) share it, as Kubernetes'
// validation/field package is shared.
package field
