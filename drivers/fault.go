package drivers

import (
	"context"
	"errors"
	"fmt"
)

// ErrClosed marks an error that says nothing about the device: the driver
// was closed under the request (a Bus swap, a shutdown). It does not count
// against the device.
var ErrClosed = errors.New("driver closed")

// Fault is a driver error classified for the charger's conditions and the
// CSMS: Kind is ErrTimeout, ErrRejected, ErrMalformed or ErrClosed; Hint
// says what an installer can do about it. Its text is the driver's error
// and the hint, so that the classification adds no words of its own.
type Fault struct {
	Kind error
	Err  error
	Hint string
}

// Classify wraps err, a driver's error, as a Fault of kind; nil stays nil.
func Classify(kind, err error, hint string) error {
	if err == nil {
		return nil
	}
	return &Fault{Kind: kind, Err: err, Hint: hint}
}

func (f *Fault) Error() string {
	if f.Hint != "" {
		return fmt.Sprintf("%v (%s)", f.Err, f.Hint)
	}
	return f.Err.Error()
}

// Unwrap lets errors.Is find both the kind and the driver's own error.
func (f *Fault) Unwrap() []error { return []error{f.Kind, f.Err} }

type probeKey struct{}

// WithProbe marks a read made on an installer's request (a mapping test, a
// discovery): a driver that skips a device in back-off still sends it once.
func WithProbe(ctx context.Context) context.Context { return context.WithValue(ctx, probeKey{}, true) }

// IsProbe reports whether ctx was marked by WithProbe.
func IsProbe(ctx context.Context) bool { v, _ := ctx.Value(probeKey{}).(bool); return v }

// Outcome is a write's error as a command reports it: a refusal or
// silence says so first ("rejected by the device: …"), so that the
// command's message names its outcome; other errors stay as they are.
func Outcome(err error) error {
	var f *Fault
	if errors.As(err, &f) && (f.Kind == ErrRejected || f.Kind == ErrTimeout) {
		return fmt.Errorf("%w: %w", f.Kind, err)
	}
	return err
}
