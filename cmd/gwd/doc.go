// Command gwd is the ocppgw daemon: it opens the state store, serves the admin
// API, runs the controllers and syncs a configuration directory.
//
// Usage:
//
//	gwd [--data-dir DIR] [--api-listen 127.0.0.1:8443] [--config-dir DIR] [--log-level info]
//
// On SIGHUP it applies the configuration directory again; on SIGINT or
// SIGTERM it stops cleanly.
package main
