// Package conform answers one question fast: does a JSON text certainly
// conform to a compiled schema?
//
// It is the fast path in front of santhosh-tekuri/jsonschema, which stays
// the one validator that decides: Compile walks the compiled schema once
// into a tree of checks, and Checker.ConformsJSON checks a payload against
// it as it scans the text, without decoding it into Go values and without
// allocating (but for escaped strings and format checks). It answers true
// only when the text is one JSON value that conforms; it answers false when
// it does not, and also when it cannot tell cheaply (an integer written as
// 1.0 or 1e3, invalid UTF-8 a decoder would replace, minProperties with a
// key that may repeat). On false the caller decodes and validates with
// jsonschema, which gives the verdict and the errors, so nothing about
// errors changes, and a false never lets a payload in.
//
// Compile returns an error, naming the location and the keyword, for a
// schema that uses a keyword the checks do not implement: the composition
// keywords (allOf, anyOf, oneOf, not, if/then/else), const, dependencies,
// propertyNames and patternProperties, unevaluated properties or items,
// tuple items, contains, uniqueItems, multipleOf, content keywords, dynamic
// references and enums of other than strings. Such a schema is always left
// to jsonschema. The keywords implemented are those the project's schemas
// use: type, $ref, properties, required, additionalProperties, enum (of
// strings), format (with jsonschema's own format functions), minLength,
// maxLength, pattern, items, minItems, maxItems, minProperties,
// maxProperties and the four numeric bounds.
package conform
