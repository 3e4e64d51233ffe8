package client

import (
	"errors"
	"net/http"

	"github.com/ocppgw/ocppgw/api/v1alpha1"
)

// StatusError is a failure the server answered with a Status.
type StatusError struct {
	Status v1alpha1.APIStatus
}

func (e *StatusError) Error() string { return e.Status.Message }

func asStatus(err error) (v1alpha1.APIStatus, bool) {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status, true
	}
	return v1alpha1.APIStatus{}, false
}

func hasReason(err error, reason v1alpha1.StatusReason, code int) bool {
	st, ok := asStatus(err)
	return ok && (st.Reason == reason || (code != 0 && st.Code == code && st.Reason == ""))
}

// IsNotFound reports a 404: the object or resource type does not exist.
func IsNotFound(err error) bool { return hasReason(err, v1alpha1.ReasonNotFound, http.StatusNotFound) }

// IsConflict reports a stale resourceVersion: read again, then retry.
func IsConflict(err error) bool { return hasReason(err, v1alpha1.ReasonConflict, 0) }

// IsAlreadyExists reports a create of a name that is taken.
func IsAlreadyExists(err error) bool { return hasReason(err, v1alpha1.ReasonAlreadyExists, 0) }

// IsGone reports a 410: the revision is compacted; list again and re-watch.
func IsGone(err error) bool { return hasReason(err, v1alpha1.ReasonGone, http.StatusGone) }

// IsInvalid reports a 422: the object failed validation; see Status.Details.Causes.
func IsInvalid(err error) bool {
	return hasReason(err, v1alpha1.ReasonInvalid, http.StatusUnprocessableEntity)
}
