// Package sdnotify tells systemd about gwd's state through the sd_notify
// protocol: one datagram per message to the unix socket named by
// $NOTIFY_SOCKET. A unit of Type=notify waits for READY=1 before it counts
// gwd as started, and with WatchdogSec= restarts gwd when WATCHDOG=1 stops
// arriving. Outside systemd $NOTIFY_SOCKET is unset and every call does
// nothing, so gwd runs the same by hand.
package sdnotify
