package v1alpha1

import "time"

// ConditionStatus is True, False or Unknown.
type ConditionStatus string

// The three condition statuses.
const (
	ConditionTrue    ConditionStatus = "True"
	ConditionFalse   ConditionStatus = "False"
	ConditionUnknown ConditionStatus = "Unknown"
)

// Condition is one observation of an aspect of a resource. Conditions form a list
// keyed by Type.
type Condition struct {
	Type               string          `json:"type" schema:"minLength=1"`
	Status             ConditionStatus `json:"status"`
	ObservedGeneration int64           `json:"observedGeneration,omitempty" schema:"minimum=0"`
	LastTransitionTime string          `json:"lastTransitionTime,omitempty" schema:"is=dateTime"`
	Reason             string          `json:"reason,omitempty"`
	Message            string          `json:"message,omitempty"`
}

// CommonStatus is the part of status every kind shares.
type CommonStatus struct {
	ObservedGeneration int64       `json:"observedGeneration,omitempty" schema:"minimum=0"`
	Conditions         []Condition `json:"conditions,omitempty"`
}

// FindCondition returns the condition of the given type, or nil.
func FindCondition(conds []Condition, typ string) *Condition {
	for i := range conds {
		if conds[i].Type == typ {
			return &conds[i]
		}
	}
	return nil
}

// SetCondition adds or updates c in conds and reports whether anything changed.
// LastTransitionTime moves only when the status flips, so a controller that sets
// the same condition on every pass writes nothing.
func SetCondition(conds *[]Condition, c Condition, now time.Time) bool {
	old := FindCondition(*conds, c.Type)
	if old == nil {
		c.LastTransitionTime = now.UTC().Format(time.RFC3339)
		*conds = append(*conds, c)
		return true
	}
	if old.Status != c.Status {
		c.LastTransitionTime = now.UTC().Format(time.RFC3339)
	} else {
		c.LastTransitionTime = old.LastTransitionTime
	}
	if *old == c {
		return false
	}
	*old = c
	return true
}
