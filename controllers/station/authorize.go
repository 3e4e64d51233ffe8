package station

import (
	"context"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers/station/tx"
	"github.com/ocppgw/ocppgw/drivers/ocpp"
	"github.com/ocppgw/ocppgw/drivers/ocpp/rpc"
)

// Authorization (block C, as far as a legacy charger allows): a charger
// whose template maps idToken has a reader. A card that appears is sent in
// an Authorize; Accepted authorizes the EVSE, and the same card presented
// during its session stops it (StopAuthorized, Local). There is no
// authorization cache or local list, so offline a card is not authorized.

// noteCards records, per EVSE, a card that appeared in an observation (the
// idToken signal changed to a non-empty value). It runs at every
// observation, so a card is not missed when the session loop sees only a
// later one.
func (s *Station) noteCards(o Observation) {
	if s.cfg.Auth.Mode != v1alpha1.AuthLocalReader {
		return
	}
	s.ss.mu.Lock()
	defer s.ss.mu.Unlock()
	for _, e := range s.cfg.Layout.EVSEs {
		tok := ""
		for _, c := range e.Connectors {
			if v, ok := o.Signals[ConnectorRef{e.ID, c.ID}]["idToken"].(string); ok && tok == "" {
				tok = v
			}
		}
		st := s.ss.evses[e.ID]
		if tok != "" && tok != st.lastToken {
			st.cards = append(st.cards, tok)
		}
		st.lastToken = tok
	}
}

// readCard authorizes the cards shown at an EVSE since the last step.
func (s *Station) readCard(evse int) {
	s.ss.mu.Lock()
	st := s.ss.evses[evse]
	cards := st.cards
	st.cards = nil
	s.ss.mu.Unlock()
	s.mu.Lock()
	online := s.online
	s.mu.Unlock()
	for _, tok := range cards {
		if !online {
			s.log.Warn("card not authorized: the CSMS is not connected and the station keeps no local list", "evse", evse)
			continue
		}
		s.later(s.authorizeCard(evse, ocpp.IdTokenType{IDToken: tok, Type: ocpp.IdTokenISO14443}))()
	}
}

// authorizeCard stops the EVSE's session when tok is its own token, and
// otherwise asks the CSMS.
func (s *Station) authorizeCard(evse int, tok ocpp.IdTokenType) action {
	return func(ctx context.Context, c *rpc.Conn) error {
		s.ss.mu.Lock()
		m := s.ss.machine(evse)
		if t := m.Session(); t != nil && t.Authorized && t.IDToken != nil && t.IDToken.IDToken == tok.IDToken {
			m.Revoke(ocpp.TriggerReasonStopAuthorized, ocpp.ReasonLocal)
			s.ss.mu.Unlock()
			s.ss.wake.kick()
			return nil
		}
		if m.Authorization() != nil {
			// Another token holds the EVSE: a second card neither takes the
			// session over nor stops it (there is no master pass).
			s.ss.mu.Unlock()
			s.log.Info("card ignored: the EVSE is authorized with another token", "evse", evse)
			return nil
		}
		s.ss.mu.Unlock()
		ok, err := s.authorize(ctx, c, tok)
		if err != nil || !ok {
			return err
		}
		s.grant(evse, tx.Auth{IDToken: tok, Source: tx.SourceLocal, At: s.now()})
		return nil
	}
}

// authorize sends Authorize and reports whether the CSMS accepted tok. A
// CALLERROR or an invalid answer is a refusal, not a reason to drop the link.
func (s *Station) authorize(ctx context.Context, c *rpc.Conn, tok ocpp.IdTokenType) (bool, error) {
	var resp ocpp.AuthorizeResponse
	err := call(ctx, c, ocpp.ActionAuthorize, ocpp.AuthorizeRequest{IDToken: tok}, &resp)
	switch {
	case err != nil && c.Err() != nil:
		return false, err
	case err != nil:
		// A CALLERROR, a timeout or an invalid answer: not authorized.
		s.log.Warn("Authorize failed: the token is not authorized", "err", err)
		return false, nil
	case resp.IDTokenInfo.Status != ocpp.AuthorizationStatusAccepted:
		s.log.Info("the CSMS did not authorize the token", "status", resp.IDTokenInfo.Status)
		return false, nil
	}
	return true, nil
}

// grant authorizes an EVSE; the session loop reports it and releases the
// charger.
func (s *Station) grant(evse int, a tx.Auth) {
	s.ss.mu.Lock()
	s.ss.machine(evse).Authorize(a)
	s.ss.mu.Unlock()
	s.ss.wake.kick()
}
