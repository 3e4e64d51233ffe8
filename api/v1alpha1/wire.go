package v1alpha1

// APIStatus is the error body of the admin API, shaped like a Kubernetes
// metav1.Status so existing tooling reads it.
type APIStatus struct {
	APIVersion string         `json:"apiVersion"` // "v1"
	Kind       string         `json:"kind"`       // "Status"
	Status     string         `json:"status"`     // "Failure"
	Message    string         `json:"message"`
	Reason     StatusReason   `json:"reason"`
	Details    *StatusDetails `json:"details,omitempty"`
	Code       int            `json:"code"`
}

// StatusDetails names the object an APIStatus is about and lists field causes.
type StatusDetails struct {
	Name   string        `json:"name,omitempty"`
	Kind   string        `json:"kind,omitempty"`
	Causes []StatusCause `json:"causes,omitempty"`
}

// StatusCause is one field-level cause of a failure. Message is prefixed with
// where the document came from (file, document index) when that is known.
type StatusCause struct {
	Type    string `json:"reason,omitempty"` // "FieldValueInvalid"
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Document is the 1-based index of the document within an apply request.
	Document int `json:"document,omitempty"`
}

// StatusReason is the machine-readable reason of an APIStatus.
type StatusReason string

// Reasons, with the HTTP code each goes with.
const (
	ReasonBadRequest    StatusReason = "BadRequest"    // 400
	ReasonUnauthorized  StatusReason = "Unauthorized"  // 401
	ReasonForbidden     StatusReason = "Forbidden"     // 403
	ReasonNotFound      StatusReason = "NotFound"      // 404
	ReasonAlreadyExists StatusReason = "AlreadyExists" // 409
	ReasonConflict      StatusReason = "Conflict"      // 409
	ReasonGone          StatusReason = "Expired"       // 410
	ReasonInvalid       StatusReason = "Invalid"       // 422
	ReasonInternalError StatusReason = "InternalError" // 500
	ReasonUnavailable   StatusReason = "ServiceUnavailable"
)

// ApplyAction says what an apply did, or would do, to one object.
type ApplyAction string

// The apply actions.
const (
	ActionCreated    ApplyAction = "created"
	ActionConfigured ApplyAction = "configured"
	ActionUnchanged  ApplyAction = "unchanged"
	ActionPruned     ApplyAction = "pruned"
)

// ApplyResult is the answer to POST /apply.
type ApplyResult struct {
	DryRun bool        `json:"dryRun,omitempty"`
	Items  []ApplyItem `json:"items"`
	// Warnings are about what was applied and will work, but not as well
	// as it could (gwctl prints them to stderr).
	Warnings []string `json:"warnings,omitempty"`
}

// ApplyItem is the outcome for one object. Old is the object before the apply
// (nil when created); Object is the object after it (nil when pruned).
type ApplyItem struct {
	Kind   string      `json:"kind"`
	Name   string      `json:"name"`
	Action ApplyAction `json:"action"`
	Old    *Object     `json:"old,omitempty"`
	Object *Object     `json:"object,omitempty"`
}

// List is the answer to a collection GET. Metadata.ResourceVersion is the store
// revision the list was read at; a watch from it misses nothing.
type List struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"` // e.g. "ChargerList"
	Metadata   ListMeta `json:"metadata"`
	Items      []Object `json:"items"`
}

// ListMeta is the metadata of a List.
type ListMeta struct {
	ResourceVersion string `json:"resourceVersion"`
}
