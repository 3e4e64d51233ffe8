package main

import "syscall"

// childAttr puts gwd in its own process group, so that a Ctrl-C reaches it
// once, as the SIGINT gwsim demo forwards, and has the kernel stop it if
// gwsim dies without stopping it.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
