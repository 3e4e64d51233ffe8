// Package clidocs adds a hidden `gen-docs DIR` command to a cobra program.
// It writes the program's man pages and its bash and zsh completions from
// the same command tree that parses the flags, so the packaged docs cannot
// drift from the binaries (make deb runs it for gwd, gwctl and gwsim).
package clidocs
