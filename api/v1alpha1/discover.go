package v1alpha1

// ModbusDiscoverRequest is the body of POST .../discover/modbus (`gwctl
// discover modbus`): scan unit ids on a Bus or a Modbus TCP address and
// try the known templates on each unit that answers.
type ModbusDiscoverRequest struct {
	// BusRef names the Bus (RS-485 line) to scan; or give ModbusTCP.
	BusRef string `json:"busRef,omitempty"`
	// ModbusTCP is the address to scan; its unitId is ignored.
	ModbusTCP *ModbusTCPConnection `json:"modbusTCP,omitempty"`
	// Units are the unit ids to try, 1..247 on a bus, 0..255 over TCP.
	Units []int `json:"units"`
	// Templates limits the templates tried; default every Modbus template.
	Templates []string `json:"templates,omitempty"`
}

// ModbusDiscoverResult lists what each unit did.
type ModbusDiscoverResult struct {
	Units []DiscoveredUnit `json:"units"`
}

// DiscoveredUnit is one unit id's answer.
type DiscoveredUnit struct {
	Unit int `json:"unit"`
	// Answered is whether anything came back (data or an exception).
	Answered bool `json:"answered"`
	// Matches are the templates all of whose required reads the unit
	// answered and whose signals all evaluated: the suggestions.
	Matches []string `json:"matches,omitempty"`
	// Mismatches say, per template tried, why it does not fit.
	Mismatches map[string]string `json:"mismatches,omitempty"`
}

// EchonetDiscoverRequest is the body of POST .../discover/echonet (`gwctl
// discover echonet`).
type EchonetDiscoverRequest struct {
	// Window is how long to collect answers to the multicast; default 3s.
	Window Duration `json:"window,omitempty"`
}

// EchonetDiscoverResult lists the ECHONET Lite nodes that answered.
type EchonetDiscoverResult struct {
	Nodes []DiscoveredNode `json:"nodes"`
}

// DiscoveredNode is one ECHONET Lite node and its device objects.
type DiscoveredNode struct {
	Address string             `json:"address"`
	Objects []DiscoveredObject `json:"objects"`
	// Error says what could not be read from the node.
	Error string `json:"error,omitempty"`
}

// DiscoveredObject is one device object of a node. EPCs are in hex.
type DiscoveredObject struct {
	// EOJ is the object, e.g. "0x02A101".
	EOJ string `json:"eoj"`
	// Class names the class when it is known, e.g. "EV charger".
	Class string `json:"class,omitempty"`
	// Maker is the manufacturer code (0x8A) in hex.
	Maker  string   `json:"maker,omitempty"`
	GetMap []string `json:"getMap,omitempty"`
	SetMap []string `json:"setMap,omitempty"`
	InfMap []string `json:"infMap,omitempty"`
	// Matches are the templates whose every required EPC is in the Get map.
	Matches []string `json:"matches,omitempty"`
	Error   string   `json:"error,omitempty"`
}
