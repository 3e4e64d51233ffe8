// Command gwd is the ocppgw daemon: it opens the state store, serves the admin
// API, runs the controllers and syncs a configuration directory.
//
// Usage:
//
//	gwd [--config /etc/ocppgw/gwd.yaml] [--data-dir DIR] [--api-listen 127.0.0.1:8443]
//	    [--config-dir DIR] [--log-level info] [--store-quota 2GiB] [--init]
//	gwd check [--data-dir DIR] [FILE]      check state.db, or FILE, as gwd does at start
//	gwd defrag [--data-dir DIR]           (gwd stopped) shrink state.db to the data it holds
//	gwd restore [--data-dir DIR] BACKUP   (gwd stopped) check BACKUP and put it in place of state.db
//
// At start gwd checks state.db and refuses a damaged file, saying how to
// restore it; a missing or 0-byte state.db where gwctl.yaml shows gwd ran
// before is refused unless --init is given. Past --store-quota, writes fail
// with "database space exceeded" while deletes and compaction still work;
// gwd defrag then gives the freed space back to the file system.
//
// Flags are parsed by cobra (so man pages and completions come from the same
// tree); each flag can also be set by $OCPPGW_<FLAG> or a key of the --config
// file, with flags > variables > file > defaults.
//
// Under systemd (Type=notify) gwd sends READY=1 once its controllers run,
// WATCHDOG=1 from the main loop, RELOADING=1 around a SIGHUP reload and
// STOPPING=1 on shutdown (internal/sdnotify).
//
// On SIGHUP it applies the configuration directory again; on SIGINT or
// SIGTERM it stops cleanly.
package main
