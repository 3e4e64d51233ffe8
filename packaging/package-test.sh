#!/usr/bin/env bash
# make package-test: builds the .deb, installs it on this machine with
# dpkg -i, checks its files, user and unit (systemd-analyze verify and
# security), runs the installed gwd as the user ocppgw with the packaged
# settings, upgrades to the same .deb with a bumped version and checks the
# store and its key survived, then purges. Needs root, as CI has.
#
# Not tested here: gwd under a running systemd (PID 1), so neither the
# sandbox the unit sets up nor systemctl start/reload/stop; gwd's READY,
# WATCHDOG, RELOADING and STOPPING are tested by cmd/gwd's
# TestSystemdNotifyReadyWatchdogReloadStop against a fake NOTIFY_SOCKET.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

[ "$(id -u)" = 0 ] || fail "needs root to dpkg -i (run as root, as CI does)"
if dpkg-query -W -f='${Status}' ocppgw 2>/dev/null | grep -q installed; then
	# Left by a run that was killed before its cleanup; on a developer's
	# machine it may be a real install, so only CI purges it.
	[ -n "${CI:-}" ] || fail "ocppgw is installed on this machine already; this test would replace and purge it"
	echo "package-test: purging the ocppgw a killed run left installed"
	dpkg --purge ocppgw
fi
for c in dpkg-deb systemd-analyze adduser setpriv python3 gpg; do
	command -v "$c" >/dev/null || fail "$c missing: apt-get install systemd adduser util-linux python3 gpg (make deps)"
done

gwd_pid=""
work=$(mktemp -d)
cleanup() {
	if [ -n "$gwd_pid" ]; then kill -9 "$gwd_pid" 2>/dev/null || true; fi
	dpkg --purge ocppgw >/dev/null 2>&1 || true
	if [ -d "$work/gnupg" ]; then GNUPGHOME="$work/gnupg" gpgconf --kill gpg-agent 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

step "build the .deb twice: a version and the same with a bumped version"
v1=$(make -s deb-version)
v2="$v1+pkgtest1"
dpkg --compare-versions "$v2" gt "$v1" || fail "$v2 does not sort after $v1"
arch=$(go env GOARCH)
make -s deb
make -s deb DEB_VERSION="$v2"
deb1="dist/ocppgw_${v1}_${arch}.deb"
deb2="dist/ocppgw_${v2}_${arch}.deb"
[ -f "$deb1" ] && [ -f "$deb2" ] || fail "no $deb1 or $deb2"

step "dpkg -i $deb1"
dpkg -i "$deb1"
[ "$(dpkg-query -W -f='${Version}' ocppgw)" = "$v1" ] || fail "installed version is not $v1"

step "files, conffiles, user and permissions"
for f in /usr/bin/gwd /usr/bin/gwctl /usr/bin/gwsim /usr/sbin/ocppgw-update; do
	[ -x "$f" ] || fail "$f missing or not executable"
done
for f in /lib/systemd/system/ocppgw.service /usr/share/man/man1/gwd.1.gz /usr/share/man/man1/gwd-check.1.gz \
	/usr/share/man/man1/gwctl.1.gz /usr/share/man/man1/gwctl-apply.1.gz /usr/share/man/man1/gwsim.1.gz \
	/usr/share/bash-completion/completions/gwd /usr/share/bash-completion/completions/gwctl \
	/usr/share/zsh/vendor-completions/_gwd /usr/share/zsh/vendor-completions/_gwctl; do
	[ -s "$f" ] || fail "$f missing or empty"
done
zcat /usr/share/man/man1/gwd.1.gz | grep -q 'config\\-dir\|config-dir' || fail "gwd.1 does not document --config-dir"
dpkg-query -W -f='${Conffiles}\n' ocppgw | grep -q '^ /etc/ocppgw/gwd.yaml ' || fail "/etc/ocppgw/gwd.yaml is not a conffile"
getent passwd ocppgw >/dev/null || fail "no user ocppgw"
uid=$(id -u ocppgw)
[ "$uid" -lt 1000 ] && [ "$uid" -ne 0 ] || fail "ocppgw has uid $uid, want a system user"
id -nG ocppgw | tr ' ' '\n' | grep -qx dialout || fail "ocppgw is not in dialout"
[ "$(stat -c '%U:%G %a' /var/lib/ocppgw)" = "ocppgw:ocppgw 700" ] || fail "/var/lib/ocppgw: $(stat -c '%U:%G %a' /var/lib/ocppgw)"
[ "$(stat -c '%U:%G %a' /etc/ocppgw/gwd.yaml)" = "root:ocppgw 640" ] || fail "/etc/ocppgw/gwd.yaml: $(stat -c '%U:%G %a' /etc/ocppgw/gwd.yaml)"
[ "$(stat -c '%U:%G %a' /etc/ocppgw/config.d)" = "root:ocppgw 750" ] || fail "/etc/ocppgw/config.d: $(stat -c '%U:%G %a' /etc/ocppgw/config.d)"

step "systemd-analyze verify"
out=$(systemd-analyze verify --man=no /lib/systemd/system/ocppgw.service 2>&1) || fail "verify: $out"
[ -z "$out" ] || fail "verify printed: $out"

step "systemd-analyze security (offline)"
sec=$(systemd-analyze security --offline=true /lib/systemd/system/ocppgw.service 2>&1) || fail "security: $sec"
score=$(sed -n 's/.*Overall exposure level for ocppgw.service: \([0-9.]*\).*/\1/p' <<<"$sec")
[ -n "$score" ] || fail "no score in: $sec"
echo "systemd-analyze security: ocppgw.service exposure $score"
awk -v s="$score" 'BEGIN { exit !(s < 2.5) }' || fail "exposure $score, want below 2.5"

# start_gwd runs the installed gwd as ocppgw, with no capabilities, as the
# unit does, on a free port (OCPPGW_API_LISTEN), until /healthz answers.
start_gwd() {
	local log=$1
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	env -i PATH=/usr/bin:/bin HOME=/var/lib/ocppgw OCPPGW_API_LISTEN="127.0.0.1:$port" \
		setpriv --reuid=ocppgw --regid=ocppgw --init-groups --no-new-privs --inh-caps=-all --bounding-set=-all \
		/usr/bin/gwd --config /etc/ocppgw/gwd.yaml >"$log" 2>&1 &
	gwd_pid=$!
	for _ in $(seq 200); do
		if ! kill -0 "$gwd_pid" 2>/dev/null; then
			gwd_pid=""
			fail "gwd exited:"$'\n'"$(cat "$log")"
		fi
		if health=$(healthz) && grep -q '^HTTP/1.[01] 200' <<<"$health"; then
			return 0
		fi
		sleep 0.1
	done
	fail "gwd /healthz did not answer 200:"$'\n'"$(cat "$log")"
}
# healthz asks gwd's /healthz over HTTPS, trusting exactly the certificate
# its gwctl.yaml pins, and prints the status line.
healthz() {
	python3 - "$port" 2>/dev/null <<'PY'
import base64, http.client, re, ssl, sys
cfg = open("/var/lib/ocppgw/gwctl.yaml").read()
ca = base64.b64decode(re.search(r"^certificateAuthorityData: (\S+)$", cfg, re.M).group(1)).decode()
ctx = ssl.create_default_context(cadata=ca)
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[1]), context=ctx, timeout=5)
c.request("GET", "/healthz")
r = c.getresponse()
print("HTTP/1.%d %d" % (r.version % 10, r.status))
PY
}
stop_gwd() {
	kill -TERM "$gwd_pid"
	wait "$gwd_pid" || fail "gwd exit code $? on SIGTERM:"$'\n'"$(cat "$1")"
	gwd_pid=""
}
gwctl() { /usr/bin/gwctl --config /var/lib/ocppgw/gwctl.yaml "$@"; }

step "run the installed gwd as ocppgw with the packaged settings"
# An admin's edit of the conffile, and a resource in the config directory.
sed -i 's/^log-format: text$/log-format: json/' /etc/ocppgw/gwd.yaml
grep -qx 'log-format: json' /etc/ocppgw/gwd.yaml || fail "packaged gwd.yaml has no 'log-format: text' line to edit"
cat >/etc/ocppgw/config.d/site.yaml <<'YAML'
apiVersion: ocppgw.dev/v1alpha1
kind: Secret
metadata:
  name: from-config-dir
spec:
  data:
    password: pkgtest
YAML
start_gwd "$work/gwd1.log"
[ "$(awk '/^Uid:/ {print $2}' "/proc/$gwd_pid/status")" = "$uid" ] || fail "gwd does not run as ocppgw"
[ "$(awk '/^CapEff:/ {print $2}' "/proc/$gwd_pid/status")" = 0000000000000000 ] || fail "gwd has capabilities"
grep -qw "$(getent group dialout | cut -d: -f3)" <(awk '/^Groups:/' "/proc/$gwd_pid/status") || fail "gwd is not in group dialout"
head -1 "$work/gwd1.log" | grep -q '^{' || fail "gwd did not log JSON as gwd.yaml says:"$'\n'"$(head -3 "$work/gwd1.log")"
grep -q '"dataDir":"/var/lib/ocppgw"' "$work/gwd1.log" || fail "gwd's data dir is not /var/lib/ocppgw:"$'\n'"$(cat "$work/gwd1.log")"
for _ in $(seq 100); do gwctl get secrets -o name 2>/dev/null | grep -q from-config-dir && break; sleep 0.1; done
gwctl get secrets -o name | grep -q from-config-dir || fail "config.d/site.yaml was not applied"
printf 'apiVersion: ocppgw.dev/v1alpha1\nkind: Secret\nmetadata:\n  name: by-hand\nspec:\n  data:\n    password: pkgtest\n' |
	gwctl apply -f - >/dev/null
stop_gwd "$work/gwd1.log"
for f in state.db secret.key gwctl.yaml; do
	[ "$(stat -c '%U' "/var/lib/ocppgw/$f")" = ocppgw ] || fail "/var/lib/ocppgw/$f is not ocppgw's"
done
key_sum=$(sha256sum </var/lib/ocppgw/secret.key)
# The store commands read the data directory from the same settings file.
out=$(setpriv --reuid=ocppgw --regid=ocppgw --init-groups /usr/bin/gwd check --config /etc/ocppgw/gwd.yaml 2>&1) ||
	fail "gwd check --config /etc/ocppgw/gwd.yaml: $out"
grep -q '/var/lib/ocppgw/state.db is sound' <<<"$out" || fail "gwd check did not check /var/lib/ocppgw/state.db: $out"

step "upgrade through ocppgw-update: a signature checked first"
export GNUPGHOME="$work/gnupg"
mkdir -m 0700 "$GNUPGHOME"
gpg --batch -q --passphrase '' --quick-gen-key 'ocppgw package-test <pkgtest@localhost>' ed25519 sign never
gpg --batch -q --export >/etc/ocppgw/update-keys.gpg
gpg --batch -q --passphrase '' --quick-gen-key 'stranger <stranger@localhost>' ed25519 sign never
gpg --batch -q --local-user stranger@localhost --detach-sign -o "$work/stranger.sig" "$deb2"
gpg --batch -q --detach-sign -o "$work/v2.sig" "$deb2"
gpg --batch -q --detach-sign -o "$work/v1.sig" "$deb1"
cp "$deb2" "$work/tampered.deb"
printf x >>"$work/tampered.deb"
if /usr/sbin/ocppgw-update "$work/tampered.deb" "$work/v2.sig"; then fail "ocppgw-update installed a tampered .deb"; fi
if /usr/sbin/ocppgw-update "$deb1" "$work/v1.sig"; then fail "ocppgw-update reinstalled the same version"; fi
if /usr/sbin/ocppgw-update "$deb2" "$work/v1.sig"; then fail "ocppgw-update took another file's signature"; fi
if /usr/sbin/ocppgw-update "$deb2" "$work/stranger.sig"; then fail "ocppgw-update took a key not in the keyring"; fi
[ "$(dpkg-query -W -f='${Version}' ocppgw)" = "$v1" ] || fail "a refused update changed the installed version"
/usr/sbin/ocppgw-update "$deb2" "$work/v2.sig"
[ "$(dpkg-query -W -f='${Version}' ocppgw)" = "$v2" ] || fail "installed version is not $v2 after the upgrade"
[ "$(sha256sum </var/lib/ocppgw/secret.key)" = "$key_sum" ] || fail "secret.key changed in the upgrade"
[ -s /var/lib/ocppgw/state.db ] || fail "state.db lost in the upgrade"
grep -qx 'log-format: json' /etc/ocppgw/gwd.yaml || fail "the upgrade undid the admin's edit of gwd.yaml"
start_gwd "$work/gwd2.log" # a changed key would be refused: "wrong encryption key"
gwctl get secrets -o name | grep -q by-hand || fail "the Secret applied by hand is gone after the upgrade"
stop_gwd "$work/gwd2.log"

step "purge"
dpkg --purge ocppgw
for f in /usr/bin/gwd /lib/systemd/system/ocppgw.service /var/lib/ocppgw /etc/ocppgw \
	/etc/systemd/system/multi-user.target.wants/ocppgw.service; do
	[ ! -e "$f" ] || fail "$f is left after purge"
done
echo "package-test: ok (ocppgw $v1 -> $v2, systemd-analyze security exposure $score)"
