// Package conform answers one question fast: does a decoded JSON document
// (json.Decoder with UseNumber) certainly conform to a compiled schema?
//
// It is the fast path in front of santhosh-tekuri/jsonschema, which stays
// the one validator that decides: Compile walks the compiled schema once
// into a tree of checks, and Conforms walks a document through it without
// allocating. Conforms answers true only when the document conforms; it
// answers false when it does not, and also when it cannot tell cheaply (an
// integer written as 1.0 or 1e3, a number close to a bound). On false the
// caller validates with jsonschema, which gives the verdict and the errors,
// so nothing about errors changes, and a false never lets a document in.
//
// Compile refuses (ok false) a schema that uses a keyword the checks do
// not implement: the composition keywords (allOf, anyOf, oneOf, not,
// if/then/else), const, dependencies, pattern and unevaluated properties,
// tuple items, contains, uniqueItems, multipleOf, content keywords and
// dynamic references. Such a schema is always left to jsonschema. The
// keywords implemented are those the project's schemas use: type, $ref,
// properties, required, additionalProperties, enum (of strings), format
// (with jsonschema's own format functions), minLength, maxLength, pattern,
// items, minItems, maxItems, minProperties, maxProperties and the four
// numeric bounds.
package conform
