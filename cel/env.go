package cel

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	celgo "cel.dev/cel-go/cel"
	"cel.dev/cel-go/ext"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// LibraryVersion identifies the set of variables and functions this package
// declares. It moves when a declaration changes meaning, so a stored template
// can record which library it was checked against.
const LibraryVersion = 1

// Names of the variables an expression may reference.
const (
	VarRegs        = "regs"        // modbus: map<string, list<int>>, block name → registers (coils as 0/1)
	VarEPC         = "epc"         // echonet: map<int, bytes>, EPC → property data
	VarPrev        = "prev"        // map<string, dyn>: the signals of the previous poll
	VarConnectorID = "connectorId" // int: the connector being read or commanded
	VarLimitA      = "limitA"      // double, setCurrentLimit and start (the limit in force)
	VarLimitW      = "limitW"      // double, setPowerLimit only
	VarAvailable   = "available"   // bool, setAvailable only
	VarSetEPCs     = "setEPCs"     // echonet commands: list<int>, the Set property map (0x9E); empty when unknown
)

// EnvKind names one CEL environment: the protocol whose raw values it sees,
// and the command it computes writes for ("" for the signal environment).
// Each command declares only its own argument, so an expression that uses
// limitW inside setCurrentLimit fails to compile instead of reading zero.
type EnvKind struct {
	Protocol string // a registered protocol (RegisterProtocol)
	Command  string // "" for signals, else one of v1alpha1.CommandNames
}

// SignalEnv is the environment of signal expressions for protocol.
func SignalEnv(protocol string) EnvKind { return EnvKind{Protocol: protocol} }

// CommandEnv is the environment of the named command's expression.
func CommandEnv(protocol, command string) EnvKind {
	return EnvKind{Protocol: protocol, Command: command}
}

func (k EnvKind) String() string {
	if k.Command == "" {
		return k.Protocol + "/signals"
	}
	return k.Protocol + "/commands." + k.Command
}

func (k EnvKind) validate() error {
	if lookupProtocol(k.Protocol) == nil {
		return fmt.Errorf("cel: unknown protocol %q (want one of %s)", k.Protocol, strings.Join(protocolNames(), ", "))
	}
	if k.Command != "" && !slices.Contains(v1alpha1.CommandNames, k.Command) {
		return fmt.Errorf("cel: unknown command %q", k.Command)
	}
	return nil
}

// Bounds on what a template may write, enforced by the parser.
const (
	maxExprCodePoints = 16 << 10
	maxExprRecursion  = 64
)

var envs struct {
	sync.Mutex
	m map[EnvKind]*celgo.Env
}

// environment returns the shared environment of k, building it on first use.
// Building costs about a millisecond and happens at most once per kind.
func environment(k EnvKind) (*celgo.Env, error) {
	if err := k.validate(); err != nil {
		return nil, err
	}
	envs.Lock()
	defer envs.Unlock()
	if e, ok := envs.m[k]; ok {
		return e, nil
	}
	e, err := celgo.NewEnv(envOptions(k)...)
	if err != nil {
		return nil, fmt.Errorf("cel: build environment %s: %w", k, err)
	}
	if envs.m == nil {
		envs.m = map[EnvKind]*celgo.Env{}
	}
	envs.m[k] = e
	return e, nil
}

func envOptions(k EnvKind) []celgo.EnvOption {
	opts := []celgo.EnvOption{
		celgo.EagerlyValidateDeclarations(true),
		celgo.DefaultUTCTimeZone(true),
		celgo.CrossTypeNumericComparisons(true),
		// A list mixing writes and numbers would otherwise type as list(dyn)
		// and fail on every command instead of at apply.
		celgo.HomogeneousAggregateLiterals(),
		celgo.ParserExpressionSizeLimit(maxExprCodePoints),
		celgo.ParserRecursionLimit(maxExprRecursion),
		// Pinned so that a new cel-go cannot change what a stored template means.
		ext.Strings(ext.StringsVersion(4)),
		celgo.Variable(VarPrev, celgo.MapType(celgo.StringType, celgo.DynType)),
		celgo.Variable(VarConnectorID, celgo.IntType),
	}
	p := lookupProtocol(k.Protocol)
	if p.DataVar != "" {
		opts = append(opts, celgo.Variable(p.DataVar, celgo.MapType(celgo.StringType, celgo.DynType)))
	}
	if p.Options != nil {
		opts = append(opts, p.Options(k.Command)...)
	}
	switch k.Command {
	case "setCurrentLimit", "start":
		opts = append(opts, celgo.Variable(VarLimitA, celgo.DoubleType))
	case "setPowerLimit":
		opts = append(opts, celgo.Variable(VarLimitW, celgo.DoubleType))
	case "setAvailable":
		opts = append(opts, celgo.Variable(VarAvailable, celgo.BoolType))
	}
	opts = append(opts, registerFuncs()...)
	opts = append(opts, byteFuncs()...)
	opts = append(opts, valueFuncs()...)
	if k.Command == "" {
		opts = append(opts, unknownFunc)
	}
	return opts
}
