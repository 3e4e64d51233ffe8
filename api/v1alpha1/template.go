package v1alpha1

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Template maps one charger model: what to read, how raw values become
// canonical signals and how canonical commands become writes, all in CEL.
type Template struct {
	APIVersion string         `json:"apiVersion"`
	Kind       string         `json:"kind"`
	Metadata   ObjectMeta     `json:"metadata"`
	Spec       TemplateSpec   `json:"spec"`
	Status     TemplateStatus `json:"status"`
}

// The protocols a Template can map.
const (
	ProtocolModbus  = "modbus"
	ProtocolEchonet = "echonet"
)

// TemplateSpec is one mapping. With Extends set it holds only the differences
// from the named template; the template controller resolves the chain.
type TemplateSpec struct {
	// Extends names the Template this one refines.
	Extends     string `json:"extends,omitempty" schema:"is=name"`
	Description string `json:"description,omitempty" schema:"maxLength=1024"`
	// Protocol is a registered protocol (Protocols): modbus, echonet, …;
	// required unless inherited through Extends.
	Protocol     string        `json:"protocol,omitempty" schema:"enum=protocol"`
	Manufacturer string        `json:"manufacturer,omitempty" schema:"maxLength=50"`
	Model        string        `json:"model,omitempty" schema:"maxLength=50"`
	Read         *TemplateRead `json:"read,omitempty"`
	// Signals maps a canonical signal name (SignalNames) to a CEL expression.
	Signals map[string]string `json:"signals,omitempty" schema:"keys.enum=signal,items.minLength=1"`
	// Commands maps a canonical command name (CommandNames) to its CEL.
	Commands map[string]TemplateCommand `json:"commands,omitempty" schema:"keys.enum=command"`
}

// TemplateRead says what one poll reads; one member per protocol.
type TemplateRead struct {
	Modbus  *ModbusRead  `json:"modbus,omitempty"`
	Echonet *EchonetRead `json:"echonet,omitempty"`
	// Sections holds the read sections of the protocols registered with
	// RegisterProtocol, by protocol name: spec.read.<name>. Each value is a
	// pointer to the protocol's registered Read type.
	Sections map[string]ReadSpec `json:"-"`
}

// ModbusRead lists the register blocks read on every poll, one request each.
type ModbusRead struct {
	Blocks []ModbusBlock `json:"blocks,omitempty"`
}

// The Modbus read functions of a ModbusBlock.
const (
	FunctionHolding  = "holding"  // FC03
	FunctionInput    = "input"    // FC04
	FunctionCoil     = "coil"     // FC01
	FunctionDiscrete = "discrete" // FC02
)

// ModbusBlock is one read request. CEL sees its values as regs["<name>"].
type ModbusBlock struct {
	Name string `json:"name" schema:"is=identifier"`
	// Function is holding, input, coil or discrete. Default holding.
	Function string `json:"function,omitempty" schema:"enum=blockFunction"`
	// Address is the 0-based PDU address, 0..65535.
	Address int `json:"address" schema:"minimum=0,maximum=65535"`
	// Count is 1..125 registers, or 1..2000 coils/discrete inputs.
	Count int `json:"count" schema:"minimum=1,maximum=2000"`
	// Unit overrides the charger's unit id for this block, 0..255.
	Unit *int `json:"unit,omitempty" schema:"minimum=0,maximum=255"`
	// Optional marks a block the device may refuse (an exception) or lack:
	// its signals go unknown with no alarm.
	Optional bool `json:"optional,omitempty" description:"The device may refuse or lack this block: its signals go unknown with no alarm."`
}

// TemplateCommand is the CEL implementing one canonical command.
type TemplateCommand struct {
	Expr string `json:"expr" schema:"minLength=1"`
	// Period is how often keepAlive runs; only keepAlive has one.
	Period Duration `json:"period,omitempty"`
}

// TemplateStatus reports whether the template resolves and compiles.
type TemplateStatus struct {
	CommonStatus
	// ResolvedChain is this template and its ancestors, nearest first.
	ResolvedChain []string `json:"resolvedChain,omitempty" schema:"items.is=name"`
}

// SetDefaults fills what the operator left out.
func (s *TemplateSpec) SetDefaults(*ObjectMeta) {
	if s.Read != nil && s.Read.Modbus != nil {
		for i := range s.Read.Modbus.Blocks {
			defaultString(&s.Read.Modbus.Blocks[i].Function, FunctionHolding)
		}
	}
}

var blockNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// Validate returns every problem with a defaulted spec. What depends on the
// templates it extends (inherited protocol, cycles, CEL) is the template
// controller's to check.
func (s *TemplateSpec) Validate(meta *ObjectMeta) []FieldError {
	var errs fieldErrors
	p := FieldPath("spec")
	checkRef(&errs, p.Key("extends"), s.Extends, false)
	if s.Extends != "" && s.Extends == meta.Name {
		errs.add(p.Key("extends"), "a template cannot extend itself")
	}
	if s.Protocol == "" && s.Extends == "" {
		errs.add(p.Key("protocol"), `required field "protocol" is missing (it may be omitted only when "extends" is set)`)
	}
	checkEnum(&errs, p.Key("protocol"), s.Protocol, Protocols())
	if s.Read != nil {
		validateRead(&errs, p.Key("read"), s.Read, s.Protocol)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Signals)) {
		q := p.Key("signals").Key(name)
		if !slices.Contains(SignalNames, name) {
			errs.add(q, fmt.Sprintf("unknown signal %q; known signals: %s", name, strings.Join(SignalNames, ", ")))
		}
		if strings.TrimSpace(s.Signals[name]) == "" {
			errs.add(q, "CEL expression must not be empty")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.Commands)) {
		validateCommand(&errs, p.Key("commands").Key(name), name, s.Commands[name])
	}
	return errs
}

func validateRead(errs *fieldErrors, p FieldPath, r *TemplateRead, protocol string) {
	if r.Modbus != nil && protocol == ProtocolEchonet {
		errs.add(p.Key("modbus"), "not allowed with protocol \"echonet\"")
	}
	if r.Echonet != nil && protocol == ProtocolModbus {
		errs.add(p.Key("echonet"), "not allowed with protocol \"modbus\"")
	}
	if r.Modbus != nil {
		names := map[string]int{}
		for i, b := range r.Modbus.Blocks {
			q := p.Key("modbus").Key("blocks").Index(i)
			validateBlock(errs, q, b)
			if j, dup := names[b.Name]; dup && b.Name != "" {
				errs.add(q.Key("name"), fmt.Sprintf("duplicate block name %q (also %s)", b.Name, p.Key("modbus").Key("blocks").Index(j)))
			}
			names[b.Name] = i
		}
	}
	if r.Echonet != nil {
		validateEPCs(errs, p.Key("echonet").Key("epcs"), r.Echonet)
	}
	validateSections(errs, p, r, protocol)
}

func validateBlock(errs *fieldErrors, p FieldPath, b ModbusBlock) {
	if b.Name == "" {
		errs.add(p.Key("name"), missing(p.Key("name")))
	} else if !blockNameRE.MatchString(b.Name) {
		errs.add(p.Key("name"), fmt.Sprintf("must be an identifier (letters, digits, '_'; not starting with a digit; at most 63 characters), got %q", b.Name))
	}
	checkEnum(errs, p.Key("function"), b.Function, []string{FunctionHolding, FunctionInput, FunctionCoil, FunctionDiscrete})
	checkRange(errs, p.Key("address"), b.Address, 0, 65535)
	maxCount := 125
	if b.Function == FunctionCoil || b.Function == FunctionDiscrete {
		maxCount = 2000
	}
	checkRange(errs, p.Key("count"), b.Count, 1, maxCount)
	if b.Address+b.Count > 65536 && b.Count >= 1 && b.Address >= 0 {
		errs.add(p.Key("count"), fmt.Sprintf("block runs past address 65535 (address %d + count %d)", b.Address, b.Count))
	}
	if b.Unit != nil {
		checkRange(errs, p.Key("unit"), *b.Unit, 0, 255)
	}
}

func validateCommand(errs *fieldErrors, p FieldPath, name string, c TemplateCommand) {
	if !slices.Contains(CommandNames, name) {
		errs.add(p, fmt.Sprintf("unknown command %q; known commands: %s", name, strings.Join(CommandNames, ", ")))
	}
	if strings.TrimSpace(c.Expr) == "" {
		errs.add(p.Key("expr"), "CEL expression must not be empty")
	}
	switch {
	case name == "keepAlive" && c.Period == "":
		errs.add(p.Key("period"), `required field "period" is missing (how often keepAlive runs)`)
	case name != "keepAlive" && c.Period != "":
		errs.add(p.Key("period"), "only keepAlive has a period")
	}
	checkDuration(errs, p.Key("period"), c.Period, 100*time.Millisecond)
}

// ParseEPC parses an ECHONET Lite property code such as "0xD3" or "D3".
// Property codes are 0x80..0xFF.
func ParseEPC(s string) (byte, error) {
	h := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	v, err := strconv.ParseUint(h, 16, 8)
	if err != nil || len(h) != 2 {
		return 0, fmt.Errorf("must be one byte of hex such as \"0xD3\", got %q", s)
	}
	if v < 0x80 {
		return 0, fmt.Errorf("EPC must be 0x80..0xFF, got %q", s)
	}
	return byte(v), nil
}
