//go:build !linux

package main

import "syscall"

// childAttr puts gwd in its own process group, so that a Ctrl-C reaches it
// once, as the SIGINT gwsim demo forwards.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
