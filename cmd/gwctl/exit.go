package main

import (
	"errors"
	"fmt"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/manifest"
)

// exitError carries a process exit code out of a command. A nil err means the
// command already told the user what went wrong and run prints nothing more.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// silentExit reports failure with code after the command has printed its own
// messages.
func silentExit(code int) error { return &exitError{code: code} }

// exitCode prints err the way kubectl does and returns the exit code for it.
func exitCode(err error, streams IOStreams) int {
	if err == nil {
		return 0
	}
	code := 1
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		if ee.err == nil {
			return code
		}
	}
	printError(streams, err)
	return code
}

// printError writes "error: message" and, for an API status, every cause on a
// line of its own so nothing the server said is lost. The "error:" lead
// stays English in every language, for scripts that look for it.
func printError(streams IOStreams, err error) {
	errOut := streams.ErrOut
	fmt.Fprintf(errOut, "error: %s\n", errorText(streams.Lang, err))
	var se *client.StatusError
	if !errors.As(err, &se) || se.Status.Details == nil {
		return
	}
	for _, c := range se.Status.Details.Causes {
		fmt.Fprintf(errOut, "  %s\n", manifest.LocateCause(c, nil))
	}
}

// reportErrors prints every error and turns a non-empty list into exit code 1.
// Commands that act on several objects use it to keep going past one failure.
func reportErrors(streams IOStreams, errs []error) error {
	for _, err := range errs {
		printError(streams, err)
	}
	if len(errs) > 0 {
		return silentExit(1)
	}
	return nil
}
