// Package validate checks decoded JSON documents against compiled JSON
// Schemas and reports every problem as a field.Error: a dotted path and a
// reason worded for a person, naming the fields, bounds and values
// involved rather than echoing the validator's wording. The schema keywords
// a message may consult (properties, enum, x-message, ...) are read from
// the raw documents, so any generator's output works.
package validate
