package strictcsms

import "github.com/ocppgw/ocppgw/drivers/internal/npmpeer"

// Version is the pinned ocpp-rpc release.
const Version = "2.2.1"

// ErrNoNode means node or npm is not installed, so the peer cannot run.
var ErrNoNode = npmpeer.ErrNoNode

// Install makes sure ocpp-rpc@Version is installed and returns its prefix
// directory, outside the repository.
func Install() (string, error) { return npmpeer.Install("ocpp-rpc@" + Version) }
