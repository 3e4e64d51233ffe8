package main

import "io"

// IOStreams are the standard streams a command reads and writes. Commands never
// touch os.Stdin/Stdout/Stderr, so tests run them in-process with buffers.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}
