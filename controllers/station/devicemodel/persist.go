package devicemodel

import (
	"fmt"
	"maps"
	"slices"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// Initialize applies the Charger spec's initial values. They follow the rules
// of a SetVariables, so an operator cannot declare what the CSMS could not
// set, but they are not overrides: a later CSMS value wins over them. Each
// value that does not apply is returned as an error naming it and why; the
// others are applied.
func (m *Model) Initialize(vars []v1alpha1.OCPPVariable) []error {
	return m.apply(vars, false)
}

// Restore applies values the CSMS set earlier (status.ocpp.variables), as
// overrides again. A value that no longer applies (the layout changed, or a
// limit did) is skipped and reported.
func (m *Model) Restore(vars []v1alpha1.OCPPVariable) []error {
	return m.apply(vars, true)
}

func (m *Model) apply(vars []v1alpha1.OCPPVariable, override bool) []error {
	var errs []error
	for i, v := range vars {
		k := apiKey(v)
		r, at := m.set(k, string(v.Value))
		if r.Status != SetAccepted && r.Status != SetRebootRequired {
			errs = append(errs, fmt.Errorf("variables[%d] %s: %s: %s", i, k, r.Status, r.Detail))
			continue
		}
		if !override {
			m.mu.Lock()
			e := m.values[at]
			e.override = false
			m.values[at] = e
			m.mu.Unlock()
		}
	}
	return errs
}

// Overrides returns the values the CSMS set, in catalog order, for the
// station to persist in status.ocpp.variables. The write-only Basic-auth
// password is left out: the station keeps it in a Secret instead.
func (m *Model) Overrides() []v1alpha1.OCPPVariable {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []v1alpha1.OCPPVariable
	for i, d := range m.defs {
		for j, a := range d.Attributes {
			e := m.values[slotOf(i, j)]
			if e.override && a.Mutability != WriteOnly {
				out = append(out, resourceVariable(Key{d.Component, d.Variable, a.Type}, e.value))
			}
		}
	}
	return slices.Clip(out)
}

// Snapshot is what a station's model holds at one moment, for Undo.
type Snapshot struct{ values map[slot]entry }

// Snapshot keeps what the model holds now: only what differs from the
// catalog, a small copy.
func (m *Model) Snapshot() Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Snapshot{values: maps.Clone(m.values)}
}

// Undo puts back what Snapshot kept: a SetVariables whose values could not
// be stored must not show them afterwards (GetVariables, a report).
func (m *Model) Undo(s Snapshot) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.values = maps.Clone(s.values)
	m.changes.Add(1)
}
