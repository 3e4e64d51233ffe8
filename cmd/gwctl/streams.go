package main

import (
	"io"

	"github.com/ocppgw/ocppgw/internal/i18n"
)

// IOStreams are the standard streams a command reads and writes. Commands never
// touch os.Stdin/Stdout/Stderr, so tests run them in-process with buffers.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// Lang is the language of messages and help; "" is English.
	Lang i18n.Lang
}
