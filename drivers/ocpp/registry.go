package ocpp

import (
	"reflect"
	"slices"
)

// ActionInfo describes one OCPP 2.0.1 action as the gateway knows it.
type ActionInfo struct {
	Name        string
	newRequest  func() any
	newResponse func() any
}

// HasTypes reports whether the project has Go types (and therefore project
// schemas) for the action. A known action without them is answered with
// NotSupported rather than NotImplemented.
func (a ActionInfo) HasTypes() bool { return a.newRequest != nil }

// NewRequest returns a pointer to a zero request value, ready for
// json.Unmarshal, e.g. *BootNotificationRequest; nil without Go types.
func (a ActionInfo) NewRequest() any {
	if a.newRequest == nil {
		return nil
	}
	return a.newRequest()
}

// NewResponse returns a pointer to a zero response value; nil without Go types.
func (a ActionInfo) NewResponse() any {
	if a.newResponse == nil {
		return nil
	}
	return a.newResponse()
}

// Lookup returns what is known about an action name.
func Lookup(action string) (ActionInfo, bool) {
	a, ok := registry[action]
	return a, ok
}

// IsKnownAction reports whether action is one of the 64 OCPP 2.0.1 actions.
func IsKnownAction(action string) bool {
	_, ok := registry[action]
	return ok
}

// Actions returns every OCPP 2.0.1 action name, sorted.
func Actions() []string {
	out := make([]string, 0, len(registry))
	for name := range registry {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// TypedActions returns the sorted names of the actions that have Go types.
func TypedActions() []string {
	var out []string
	for _, name := range Actions() {
		if registry[name].HasTypes() {
			out = append(out, name)
		}
	}
	return out
}

// enumValues holds the permitted values of every enum type, in the order the
// specification lists them; the schema generator reads it through EnumValues.
var enumValues = map[reflect.Type][]string{}

// registerEnum records the complete value set of an enum type. It is called
// from init functions only, so the map is never written concurrently.
func registerEnum[T ~string](values ...T) {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	enumValues[reflect.TypeFor[T]()] = s
}

// EnumValues returns the permitted values of an enum type such as
// reflect.TypeFor[RegistrationStatusEnumType](), or false if t is not one.
func EnumValues(t reflect.Type) ([]string, bool) {
	v, ok := enumValues[t]
	return slices.Clone(v), ok
}
