package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ocppgw/ocppgw/cmd/internal/clidocs"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// run executes one gwctl invocation and returns its exit code. SIGINT and SIGTERM
// cancel the context, which is how `get -w` ends cleanly.
func run(args []string, in io.Reader, out, errOut io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return execute(ctx, args, IOStreams{In: in, Out: out, ErrOut: errOut}, os.Getenv, clidocs.Command())
}
