package v1alpha1

// KindInfo names one resource kind in every form a user may type it.
type KindInfo struct {
	Kind     string   // "Charger"
	Singular string   // "charger"
	Plural   string   // "chargers", also the REST path segment
	Short    []string // "ch"
}

// Kinds returns every registered kind, in registration order.
func Kinds() []KindInfo {
	regs := scheme.Kinds()
	out := make([]KindInfo, len(regs))
	for i, r := range regs {
		out[i] = r.Info()
	}
	return out
}

// LookupKind finds a kind by its Kind, singular, plural or short name, ignoring case.
func LookupKind(name string) (KindInfo, bool) {
	if r, ok := scheme.Lookup(name); ok {
		return r.Info(), true
	}
	return KindInfo{}, false
}
