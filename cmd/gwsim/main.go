package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/cmd/internal/clidocs"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	root := &cobra.Command{
		Use:           "gwsim",
		Short:         "Simulated EV chargers and a demo CSMS for ocppgw",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(errOut)
	root.AddCommand(newRunCmd(out, errOut), newCtlCmd(out), newCSMSCmd(out), newDemoCmd(out, errOut), clidocs.Command())
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintf(errOut, "error: %s\n", err)
		return 1
	}
	return 0
}
