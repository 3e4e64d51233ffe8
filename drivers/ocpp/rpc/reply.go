package rpc

// Reply is a handler's answer with work to do once it is sent. A station
// answering TriggerMessage or GetBaseReport must send the triggered message
// or the report after its CALLRESULT, never before; Then runs on the
// connection's handler goroutine right after the CALLRESULT was written
// (and not at all when the answer became a CALLERROR), so it should only
// hand the work on, not block.
type Reply struct {
	Payload any
	Then    func()
}
