package v1alpha1

// ChargerCommand is the body of POST .../chargers/{name}/command (`gwctl
// charger command`): one canonical command run on the charger's device
// through its template, by hand, for commissioning.
type ChargerCommand struct {
	// Command is one of CommandNames.
	Command string `json:"command"`
	// ConnectorID is the connector the command concerns. Default 1.
	ConnectorID int `json:"connectorId,omitempty"`
	// LimitA is setCurrentLimit's argument, in amperes; for start, the
	// current to offer (default the charger's spec.electrical.maxCurrentA).
	LimitA float64 `json:"limitA,omitempty"`
	// LimitW is setPowerLimit's argument, in watts.
	LimitW float64 `json:"limitW,omitempty"`
	// Available is setAvailable's argument.
	Available bool `json:"available,omitempty"`
}

// ChargerCommandResult is what the device did with a ChargerCommand.
type ChargerCommandResult struct {
	Charger string `json:"charger"`
	Command string `json:"command"`
	// Result is Done, Rejected, Timeout, Unsupported or Failed (the
	// CommandStatus results).
	Result  string `json:"result"`
	Message string `json:"message,omitempty"`
}
