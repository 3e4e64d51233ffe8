package gocsms

import (
	"fmt"
	"time"

	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/provisioning"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/transactions"
	"github.com/lorenzodonini/ocpp-go/ocpp2.0.1/types"
	"github.com/ocppgw/ocppgw/drivers/ocpp/csmsfault"
)

const transactionEvent = transactions.TransactionEventFeatureName

// callKey names one CALL: message ids are unique per station only.
type callKey struct{ station, id string }

// answers is how the CSMS answers; guarded by CSMS.mu.
type answers struct {
	boot      provisioning.RegistrationStatus
	interval  int
	password  string
	authorize map[string]types.AuthorizationStatus // idToken → Authorize status
	txStatus  map[string]types.AuthorizationStatus // idToken → TransactionEvent status
	faults    []csmsfault.Fault
	faulted   map[callKey]csmsfault.Fault // station CALLs whose answer a fault replaces
	pending   map[callKey]string          // this CSMS's CALLs awaiting an answer → action
	refused   map[string][]string         // station → answers to this CSMS that ocpp-go refused
	raw       []*rawWaiter                // Sends waiting for their answer's bytes
	clock     time.Duration               // added to the currentTime answered
}

func newAnswers(password string) answers {
	return answers{boot: provisioning.RegistrationStatusAccepted, interval: 300, password: password,
		authorize: map[string]types.AuthorizationStatus{}, txStatus: map[string]types.AuthorizationStatus{},
		faulted: map[callKey]csmsfault.Fault{}, pending: map[callKey]string{}, refused: map[string][]string{}}
}

// SetBoot sets the BootNotification answer: Accepted with interval 300 by
// default.
func (c *CSMS) SetBoot(status provisioning.RegistrationStatus, interval int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers.boot, c.answers.interval = status, interval
}

// SetPassword changes the Basic-auth password accepted (Options.BasicAuth).
func (c *CSMS) SetPassword(p string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers.password = p
}

func (c *CSMS) passwordIs(p string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return p == c.answers.password
}

// SetAuthorizeStatus makes an Authorize for idToken answered with status;
// "" restores the default, Accepted.
func (c *CSMS) SetAuthorizeStatus(idToken string, status types.AuthorizationStatus) {
	c.mu.Lock()
	defer c.mu.Unlock()
	setStatus(c.answers.authorize, idToken, status)
}

// SetTransactionEventStatus makes a TransactionEvent carrying idToken
// answered with idTokenInfo.status = status (Invalid deauthorizes the
// session); "" restores the default: Accepted for an event with an idToken,
// no idTokenInfo for one without.
func (c *CSMS) SetTransactionEventStatus(idToken string, status types.AuthorizationStatus) {
	c.mu.Lock()
	defer c.mu.Unlock()
	setStatus(c.answers.txStatus, idToken, status)
}

func setStatus(m map[string]types.AuthorizationStatus, idToken string, status types.AuthorizationStatus) {
	if status == "" {
		delete(m, idToken)
		return
	}
	m[idToken] = status
}

// FaultTransactionEvents replaces the queue of faults: each next
// TransactionEvent CALL, from any station, takes the first one instead of
// its answer; when they are used up, answers are normal again. No faults
// empties the queue. The fault taken is in the CALL's Message. ocpp-go
// still parses and answers the CALL; the answer is replaced on the way out.
func (c *CSMS) FaultTransactionEvents(faults ...csmsfault.Fault) error {
	if err := csmsfault.Check(faults); err != nil {
		return fmt.Errorf("gocsms: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers.faults = append([]csmsfault.Fault(nil), faults...)
	return nil
}

// PendingFaults returns how many queued faults no CALL has taken yet.
func (c *CSMS) PendingFaults() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.answers.faults)
}

// SetClockOffset shifts the currentTime this CSMS answers BootNotification
// and Heartbeat with by d: the clock a station takes from its CSMS. 0 is
// the real time.
func (c *CSMS) SetClockOffset(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.answers.clock = d
}

// now is the CSMS's clock.
func (c *CSMS) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.answers.clock)
}

func (c *CSMS) bootAnswer() *provisioning.BootNotificationResponse {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	return provisioning.NewBootNotificationResponse(types.NewDateTime(now), c.answers.interval, c.answers.boot)
}

func (c *CSMS) authorizeStatus(idToken string) types.AuthorizationStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.answers.authorize[idToken]; ok {
		return s
	}
	return types.AuthorizationStatusAccepted
}

func (c *CSMS) transactionEventAnswer(req *transactions.TransactionEventRequest) *transactions.TransactionEventResponse {
	res := transactions.NewTransactionEventResponse()
	if req.IDToken == nil {
		return res
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	status, ok := c.answers.txStatus[req.IDToken.IdToken]
	if !ok {
		status = types.AuthorizationStatusAccepted
	}
	// idTokenInfo is required when the event carries an idToken.
	res.IDTokenInfo = types.NewIdTokenInfo(status)
	return res
}
