package charger

import (
	"fmt"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/controllers"
	"github.com/ocppgw/ocppgw/controllers/template"
)

// ConditionTemplateReady says whether the charger's template exists and resolved.
const ConditionTemplateReady = "TemplateReady"

// Reasons of the TemplateReady condition.
const (
	ReasonTemplateReady    = "TemplateReady"
	ReasonTemplateNotFound = "TemplateNotFound"
	ReasonTemplateInvalid  = "TemplateInvalid"
	// ReasonTemplatePending: the template exists but the template controller
	// has not yet resolved its current generation.
	ReasonTemplatePending = "TemplatePending"
)

// loadStatus parses the charger's status so fields other controllers own
// (signals, ocpp, their conditions) are kept when this one writes.
func (r *Reconciler) loadStatus(obj *v1alpha1.Object) (*controllers.Status, error) {
	st, err := controllers.DecodeStatus(obj.Status)
	if err != nil {
		// Not replaced: charger status holds state the CSMS set, which cannot
		// be re-derived, so an unreadable one needs a human.
		return nil, controllers.TerminalError(fmt.Errorf("charger %q: %w", obj.Metadata.Name, err))
	}
	return st, nil
}

// setTemplateReady sets the TemplateReady condition from the cached template.
func (r *Reconciler) setTemplateReady(st *controllers.Status, ref string, gen int64) {
	c, pending := r.templateCondition(ref)
	if pending && st.Condition(ConditionTemplateReady) != nil {
		// The template controller's status write re-queues us; flipping to
		// Unknown meanwhile would only add a write and a false transition.
		return
	}
	c.Type = ConditionTemplateReady
	c.ObservedGeneration = gen
	st.SetCondition(c, r.now())
}

// templateCondition derives TemplateReady from the referenced template's
// status. pending means the template's status does not describe its current
// spec yet.
func (r *Reconciler) templateCondition(ref string) (c v1alpha1.Condition, pending bool) {
	if ref == "" {
		return v1alpha1.Condition{Status: v1alpha1.ConditionFalse, Reason: ReasonTemplateNotFound,
			Message: "spec.templateRef is not set"}, false
	}
	tpl, ok, err := r.templates.Get(ref)
	if !ok {
		return v1alpha1.Condition{Status: v1alpha1.ConditionFalse, Reason: ReasonTemplateNotFound,
			Message: fmt.Sprintf("template %q not found", ref)}, false
	}
	if err != nil {
		return v1alpha1.Condition{Status: v1alpha1.ConditionFalse, Reason: ReasonTemplateInvalid,
			Message: fmt.Sprintf("template %q: %v", ref, err)}, false
	}
	ts := tpl.Status
	ready := v1alpha1.FindCondition(ts.Conditions, template.ConditionReady)
	if ready == nil || ts.ObservedGeneration < tpl.Metadata.Generation {
		return v1alpha1.Condition{Status: v1alpha1.ConditionUnknown, Reason: ReasonTemplatePending,
			Message: fmt.Sprintf("template %q generation %d not resolved yet", ref, tpl.Metadata.Generation)}, true
	}
	if ready.Status == v1alpha1.ConditionTrue {
		return v1alpha1.Condition{Status: v1alpha1.ConditionTrue, Reason: ReasonTemplateReady,
			Message: fmt.Sprintf("template %q is ready", ref)}, false
	}
	why := ready
	if inv := v1alpha1.FindCondition(ts.Conditions, template.ConditionInvalid); inv != nil && inv.Status == v1alpha1.ConditionTrue {
		why = inv
	}
	return v1alpha1.Condition{Status: v1alpha1.ConditionFalse, Reason: ReasonTemplateInvalid,
		Message: fmt.Sprintf("template %q is not ready: %s: %s", ref, why.Reason, why.Message)}, false
}
