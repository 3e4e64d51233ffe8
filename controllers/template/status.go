package template

import (
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
)

// Condition types the template controller owns.
const (
	ConditionReady   = "Ready"
	ConditionInvalid = "Invalid"
)

// updateStatus merges the resolution into obj's status (observedGeneration,
// Ready, Invalid, resolvedChain) and writes it only if it changed.
func (r *Reconciler) updateStatus(obj *v1alpha1.Object, res resolution) error {
	s, err := controllers.DecodeStatus(obj.Status)
	if err != nil {
		// Status is controller-written; one that does not parse cannot be
		// merged into, and keeping it would block the object forever.
		r.log.Warn("replacing unreadable status", "template", obj.Metadata.Name, "err", err)
		s, _ = controllers.DecodeStatus(nil)
	}
	gen := obj.Metadata.Generation
	s.SetObservedGeneration(gen)
	now := r.now()
	ready, invalid := conditions(res, gen)
	s.SetCondition(ready, now)
	s.SetCondition(invalid, now)
	if res.ok() {
		if err := s.Set("resolvedChain", res.chain); err != nil {
			return err
		}
	} else {
		// A partial chain must not look usable to whoever reads it.
		s.Remove("resolvedChain")
	}
	_, err = r.ctrl.UpdateStatusIfChanged(r.st, obj, s)
	return err
}

// conditions returns the Ready and Invalid conditions for a resolution.
func conditions(res resolution, gen int64) (ready, invalid v1alpha1.Condition) {
	if res.ok() {
		ready = v1alpha1.Condition{Type: ConditionReady, Status: v1alpha1.ConditionTrue,
			Reason: ReasonResolved, Message: "extends chain resolved: " + arrow(res.chain)}
		invalid = v1alpha1.Condition{Type: ConditionInvalid, Status: v1alpha1.ConditionFalse,
			Reason: ReasonResolved, Message: ready.Message}
	} else {
		ready = v1alpha1.Condition{Type: ConditionReady, Status: v1alpha1.ConditionFalse,
			Reason: res.reason, Message: res.detail}
		invalid = v1alpha1.Condition{Type: ConditionInvalid, Status: v1alpha1.ConditionTrue,
			Reason: res.reason, Message: res.detail}
	}
	ready.ObservedGeneration = gen
	invalid.ObservedGeneration = gen
	return ready, invalid
}
