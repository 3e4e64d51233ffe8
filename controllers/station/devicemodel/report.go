package devicemodel

import "fmt"

// The ReportBaseEnumType values of GetBaseReport.
const (
	ConfigurationInventory = "ConfigurationInventory"
	FullInventory          = "FullInventory"
	SummaryInventory       = "SummaryInventory"
)

// ReportItem is one ReportDataType of a NotifyReport.
type ReportItem struct {
	Component  Component
	Variable   Variable
	Attributes []ReportAttribute
	Chars      Characteristics
}

// ReportAttribute is one VariableAttributeType. Value is nil for write-only
// attributes, whose value a report must not reveal (TC_B_53).
type ReportAttribute struct {
	Type       Attribute
	Value      *string
	Mutability Mutability
	Persistent bool
	Constant   bool
}

// Report returns the items of a base report (B07): every variable for
// FullInventory, those the CSMS can write for ConfigurationInventory, and the
// availability variables for SummaryInventory.
func (m *Model) Report(base string) ([]ReportItem, error) {
	var keep func(Definition) bool
	switch base {
	case FullInventory:
		keep = func(Definition) bool { return true }
	case ConfigurationInventory:
		keep = func(d Definition) bool {
			for _, a := range d.Attributes {
				if a.Mutability != ReadOnly && a.Dynamic == nil {
					return true
				}
			}
			return false
		}
	case SummaryInventory:
		keep = func(d Definition) bool { return d.Summary }
	default:
		return nil, fmt.Errorf("device model: unknown report base %q", base)
	}
	var items []ReportItem
	for _, d := range m.defs {
		if keep(d) {
			items = append(items, m.reportItem(d))
		}
	}
	return items, nil
}

func (m *Model) reportItem(d Definition) ReportItem {
	it := ReportItem{Component: d.Component, Variable: d.Variable, Chars: d.Chars}
	for _, a := range d.Attributes {
		ra := ReportAttribute{Type: a.Type, Mutability: a.Mutability, Persistent: a.Persistent, Constant: a.Constant}
		if a.Mutability != WriteOnly {
			v := m.Get(Key{d.Component, d.Variable, a.Type}).Value
			ra.Value = &v
		}
		it.Attributes = append(it.Attributes, ra)
	}
	return it
}

// Chunk splits items into parts of at most n, for NotifyReport messages of
// ItemsPerMessage[GetReport] each. It returns no parts for no items.
func Chunk[T any](items []T, n int) [][]T {
	if n < 1 {
		n = 1
	}
	var parts [][]T
	for len(items) > n {
		parts = append(parts, items[:n:n])
		items = items[n:]
	}
	if len(items) > 0 {
		parts = append(parts, items)
	}
	return parts
}
