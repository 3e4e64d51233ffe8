package devicemodel

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// GetStatus is an OCPP GetVariableStatusEnumType; SetStatus a
// SetVariableStatusEnumType.
type (
	GetStatus string
	SetStatus string
)

// The status values of GetVariables and SetVariables results.
const (
	GetAccepted                  GetStatus = "Accepted"
	GetRejected                  GetStatus = "Rejected"
	GetUnknownComponent          GetStatus = "UnknownComponent"
	GetUnknownVariable           GetStatus = "UnknownVariable"
	GetNotSupportedAttributeType GetStatus = "NotSupportedAttributeType"

	SetAccepted                  SetStatus = "Accepted"
	SetRejected                  SetStatus = "Rejected"
	SetUnknownComponent          SetStatus = "UnknownComponent"
	SetUnknownVariable           SetStatus = "UnknownVariable"
	SetNotSupportedAttributeType SetStatus = "NotSupportedAttributeType"
	SetRebootRequired            SetStatus = "RebootRequired"
)

// GetResult answers one GetVariableData. Reason is the reasonCode of
// attributeStatusInfo and Detail its additionalInfo, set when not Accepted.
type GetResult struct {
	Status GetStatus
	Value  string
	Reason string
	Detail string
}

// SetResult answers one SetVariableData.
type SetResult struct {
	Status SetStatus
	Reason string
	Detail string
}

type varKey struct {
	Component Component
	Variable  Variable
}

// Model is one station's device model. It is safe for concurrent use.
type Model struct {
	*catalog
	live Live

	mu sync.Mutex
	// values holds what differs from the catalog's initial values: set by
	// the CSMS, the spec or the station. Most stations change few
	// variables, so a station costs a small map keyed by catalog position,
	// not a copy of the catalog nor a map of full addresses.
	values map[slot]entry
	// changes counts the writes to values (see Changes).
	changes atomic.Uint64
}

// slot is an attribute's position in the catalog: its definition's index
// times maxAttributes plus the attribute's index.
type slot uint32

// maxAttributes bounds the attributes of one variable (Actual, Target,
// MinSet, MaxSet).
const maxAttributes = 4

// slotOf is the slot of attribute j of definition i.
func slotOf(i, j int) slot { return slot(i*maxAttributes + j) }

// entry is a value that differs from the catalog's. override marks one the
// CSMS set, which the station persists.
type entry struct {
	value    string
	override bool
}

// catalog is the read-only part of a model, shared by the stations of one
// layout: a hundred stations of the same model hold one copy.
type catalog struct {
	defs  []Definition
	index map[varKey]int
	comps map[Component]bool
}

var catalogs sync.Map // layout key → *catalog

func catalogOf(l Layout) *catalog {
	key, err := json.Marshal(withDefaults(l))
	if err == nil {
		if c, ok := catalogs.Load(string(key)); ok {
			return c.(*catalog)
		}
	}
	c := &catalog{defs: Catalog(l), index: map[varKey]int{}, comps: map[Component]bool{}}
	for i, d := range c.defs {
		c.index[varKey{d.Component, d.Variable}] = i
		c.comps[d.Component] = true
	}
	if err == nil {
		actual, _ := catalogs.LoadOrStore(string(key), c)
		return actual.(*catalog)
	}
	return c
}

// New builds the model of a layout with the catalog's initial values.
func New(l Layout) *Model {
	m := &Model{catalog: catalogOf(l), live: Live{Now: l.Now, ProfileEntries: l.ProfileEntries},
		values: map[slot]entry{}}
	if m.live.Now == nil {
		m.live.Now = time.Now
	}
	return m
}

// valueLocked is the stored value of attribute a at k, the catalog's
// initial one unless something set it. m.mu is held.
func (m *Model) valueLocked(s slot, a *AttributeDef) string {
	if e, ok := m.values[s]; ok {
		return e.value
	}
	return a.Value
}

// lookup finds the definition, attribute and slot of k, or the status that
// says why there is none.
func (m *Model) lookup(k Key) (*Definition, *AttributeDef, slot, string) {
	i, ok := m.index[varKey{k.Component, k.Variable}]
	if !ok {
		if !m.comps[k.Component] {
			return nil, nil, 0, "UnknownComponent"
		}
		return nil, nil, 0, "UnknownVariable"
	}
	d := &m.defs[i]
	for j := range d.Attributes {
		if d.Attributes[j].Type == k.attribute() {
			return d, &d.Attributes[j], slotOf(i, j), ""
		}
	}
	return d, nil, 0, "NotSupportedAttributeType"
}

// Get answers one GetVariableData (B06).
func (m *Model) Get(k Key) GetResult {
	_, a, at, why := m.lookup(k)
	if why != "" {
		return GetResult{Status: GetStatus(why), Reason: why, Detail: k.String()}
	}
	if a.Mutability == WriteOnly {
		return GetResult{Status: GetRejected, Reason: "WriteOnly", Detail: k.String() + " is write-only"}
	}
	if a.Dynamic != nil {
		return GetResult{Status: GetAccepted, Value: a.Dynamic(m.live)}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return GetResult{Status: GetAccepted, Value: m.valueLocked(at, a)}
}

// Set answers one SetVariableData from the CSMS (B05) and, when accepted,
// stores the value as an override.
func (m *Model) Set(k Key, value string) SetResult {
	r, _ := m.set(k, value)
	return r
}

// set is Set, also returning the slot it stored the value at.
func (m *Model) set(k Key, value string) (SetResult, slot) {
	d, a, at, why := m.lookup(k)
	if why != "" {
		return SetResult{Status: SetStatus(why), Reason: why, Detail: k.String()}, 0
	}
	if a.Mutability == ReadOnly || a.Dynamic != nil {
		return SetResult{Status: SetRejected, Reason: "ReadOnly", Detail: k.String() + " is read-only"}, 0
	}
	if problem := check(d.Chars, value); problem != "" {
		return SetResult{Status: SetRejected, Reason: "InvalidValue", Detail: problem}, 0
	}
	m.mu.Lock()
	m.values[at] = entry{value: value, override: true}
	m.changes.Add(1)
	m.mu.Unlock()
	if d.RebootRequired {
		return SetResult{Status: SetRebootRequired}, at
	}
	return SetResult{Status: SetAccepted}, at
}

// Update sets a value the station itself observes (availability, power), not
// an override: it is not persisted and mutability does not apply.
func (m *Model) Update(k Key, value string) error {
	_, _, at, why := m.lookup(k)
	if why != "" {
		return fmt.Errorf("device model: %s: %s", k, why)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.values[at]
	e.value = value
	m.values[at] = e
	m.changes.Add(1)
	return nil
}

// Changes counts the changes to stored values so far. What a reader
// derives from stored values (not from Dynamic ones, which change on
// their own) stays right while the count is the same: a loop can read a
// value again only when it moved.
func (m *Model) Changes() uint64 { return m.changes.Load() }

// Value returns the Actual value of a variable, "" if there is none.
func (m *Model) Value(c Component, v Variable) string {
	r := m.Get(Key{Component: c, Variable: v})
	return r.Value
}

// Int returns the Actual value of an integer variable, or def when it is
// unset or not a number.
func (m *Model) Int(c Component, v Variable, def int) int {
	n, err := strconv.Atoi(m.Value(c, v))
	if err != nil {
		return def
	}
	return n
}

// Float returns the Actual value of a decimal variable, or def when it is
// unset or not a finite number.
func (m *Model) Float(c Component, v Variable, def float64) float64 {
	f, err := strconv.ParseFloat(m.Value(c, v), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return def
	}
	return f
}

// Secret returns the value of a write-only variable for the station's own
// use (the Basic-auth password), which Get never reveals.
func (m *Model) Secret(c Component, v Variable) string {
	_, a, at, why := m.lookup(Key{c, v, Actual})
	if why != "" {
		return ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.valueLocked(at, a)
}

// Definitions returns the catalog the model was built from, in report order.
func (m *Model) Definitions() []Definition { return slices.Clone(m.defs) }

// apiKey converts the resource form of an address.
func apiKey(v v1alpha1.OCPPVariable) Key {
	k := Key{Component: Component{Name: v.Component, Instance: v.Instance},
		Variable: Variable{Name: v.Variable, Instance: v.VariableInstance}, Attribute: Attribute(v.Attribute)}
	if v.EVSE != nil {
		k.Component.EVSE, k.Component.Connector = v.EVSE.ID, v.EVSE.ConnectorID
	}
	return k
}

func resourceVariable(k Key, value string) v1alpha1.OCPPVariable {
	v := v1alpha1.OCPPVariable{Component: k.Component.Name, Instance: k.Component.Instance,
		Variable: k.Variable.Name, VariableInstance: k.Variable.Instance, Value: v1alpha1.AttributeValue(value)}
	if k.Attribute != Actual {
		v.Attribute = string(k.Attribute)
	}
	if k.Component.EVSE != 0 {
		v.EVSE = &v1alpha1.OCPPEVSE{ID: k.Component.EVSE, ConnectorID: k.Component.Connector}
	}
	return v
}
