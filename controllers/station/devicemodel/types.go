package devicemodel

import (
	"fmt"
	"strings"
	"time"
)

// DataType is an OCPP DataEnumType.
type DataType string

// The DataEnumType values.
const (
	String       DataType = "string"
	Decimal      DataType = "decimal"
	Integer      DataType = "integer"
	DateTime     DataType = "dateTime"
	Boolean      DataType = "boolean"
	OptionList   DataType = "OptionList"
	SequenceList DataType = "SequenceList"
	MemberList   DataType = "MemberList"
)

// Mutability is an OCPP MutabilityEnumType.
type Mutability string

// The MutabilityEnumType values.
const (
	ReadOnly  Mutability = "ReadOnly"
	WriteOnly Mutability = "WriteOnly"
	ReadWrite Mutability = "ReadWrite"
)

// Attribute is an OCPP AttributeEnumType.
type Attribute string

// The AttributeEnumType values.
const (
	Actual Attribute = "Actual"
	Target Attribute = "Target"
	MinSet Attribute = "MinSet"
	MaxSet Attribute = "MaxSet"
)

// Component addresses a component: its name, optional instance, and for
// EVSE-level components the EVSE (and connector) it belongs to. EVSE 0 means
// none.
type Component struct {
	Name      string
	Instance  string
	EVSE      int
	Connector int
}

func (c Component) String() string {
	var b strings.Builder
	b.WriteString(c.Name)
	if c.Instance != "" {
		fmt.Fprintf(&b, "[%s]", c.Instance)
	}
	if c.EVSE != 0 {
		fmt.Fprintf(&b, "(evse %d", c.EVSE)
		if c.Connector != 0 {
			fmt.Fprintf(&b, " connector %d", c.Connector)
		}
		b.WriteString(")")
	}
	return b.String()
}

// Variable addresses a variable of a component.
type Variable struct {
	Name     string
	Instance string
}

func (v Variable) String() string {
	if v.Instance == "" {
		return v.Name
	}
	return fmt.Sprintf("%s[%s]", v.Name, v.Instance)
}

// Key addresses one attribute of one variable.
type Key struct {
	Component Component
	Variable  Variable
	Attribute Attribute
}

func (k Key) String() string {
	return fmt.Sprintf("%s.%s/%s", k.Component, k.Variable, k.attribute())
}

func (k Key) attribute() Attribute {
	if k.Attribute == "" {
		return Actual
	}
	return k.Attribute
}

// Characteristics are a variable's VariableCharacteristicsType.
type Characteristics struct {
	Unit     string
	DataType DataType
	// MinLimit and MaxLimit bound numbers; for strings MaxLimit is the
	// maximum length.
	MinLimit, MaxLimit *float64
	// ValuesList holds the allowed members of an OptionList, MemberList or
	// SequenceList.
	ValuesList []string
	// SupportsMonitoring is always false: the gateway has no monitors yet.
	SupportsMonitoring bool
}

// Definition is one variable of the model.
type Definition struct {
	Component Component
	Variable  Variable
	// Attributes present on this variable; Actual first.
	Attributes []AttributeDef
	Chars      Characteristics
	// RebootRequired makes a successful SetVariables answer RebootRequired:
	// the new value takes effect after the next reset.
	RebootRequired bool
	// Summary puts the variable in a SummaryInventory report.
	Summary bool
}

// AttributeDef is one attribute of a variable.
type AttributeDef struct {
	Type       Attribute
	Mutability Mutability
	Persistent bool
	Constant   bool
	// Value is the initial value, or Dynamic's result when Dynamic is set.
	Value string
	// Dynamic computes a value the model does not store from what the
	// station holds now (ClockCtrlr.DateTime, Entries[ChargingProfiles]).
	// It captures nothing and reads the station asked through Live, so one
	// catalog serves every station of a layout.
	Dynamic func(Live) string
}

// Live is what a dynamic value reads from the station it is asked for:
// the layout's Now and ProfileEntries.
type Live struct {
	Now            func() time.Time
	ProfileEntries func() int // nil reads 0
}

func limit(v float64) *float64 { return &v }
