// Package gen writes JSON Schemas from Go types. drivers/ocpp/schemagen
// uses it for the OCPP messages and api/v1alpha1 for the resource kinds, so
// one mapping serves both.
//
// The mapping: a struct is an object with additionalProperties false whose
// json fields without omitempty are required; embedded structs are
// flattened as encoding/json does; int is integer, float64 number, bool
// boolean, string string; a slice is an array. A named struct becomes a
// definition referenced with $ref, or is written inline with
// Config.Inline. Config.Types gives fixed schemas for types such as a
// date-time or a duration, Config.Enum the values of named string types.
// With Config.Maps, a map is an object whose values have the element's
// schema and an interface value is any value. A type with a
// JSONSchemaOneOf method is an object holding exactly one of the
// properties it names.
//
// Other constraints come from a struct tag (Config.Tag), a comma-separated
// list of
//
//	maxLength=N minLength=N minItems=N maxItems=N minimum=X maximum=X
//	exclusiveMinimum=X minProperties=N maxProperties=N
//	enum=NAME      the values Config.Enums[NAME]
//	is=NAME        the keywords Config.Strings[NAME] (pattern, format, message)
//	required       required even with omitempty
//	required=A|B   on an object field: the members it requires here
//	optional       not required even without omitempty
//	items.KEY=V    KEY=V on the array items or map values
//	keys.KEY=V     KEY=V on the map keys (propertyNames)
//	additionalProperties (on a json:"-" map field: the object is open)
//
// A tag that does not apply to its field's type stops generation, so a
// constraint cannot vanish silently. With Config.DescriptionTag, that tag's
// text is the field's description.
package gen
