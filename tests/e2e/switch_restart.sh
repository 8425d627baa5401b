#!/usr/bin/env bash
# Persistence: the daemon is killed with SIGKILL (no chance to clean up) and restarted: the
# configuration comes back from the state file and traffic flows again. A container deleted
# while the daemon was down is reported (log and `show`), not silently dropped. A corrupt
# state file stops the daemon with a clear error and is never overwritten.
# Usage: switch_restart.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
for n in a b c; do make_ns $n; done
sy attach br0 "$(ns_name a)" --ip 10.200.4.1/24 --vlan 7 >/dev/null || fail "attach a"
sy attach br0 "$(ns_name b)" --ip 10.200.4.2/24 --vlan 7 >/dev/null || fail "attach b"
sy attach br0 "$(ns_name c)" --ip 10.200.4.3/24 >/dev/null || fail "attach c"
in_ns a ping -c 1 -W 2 10.200.4.2 >/dev/null || fail "ping before the crash"
[ "$(stat -c %a "$work/state.json")" = 600 ] || fail "state file is not owner-only"
[ "$(stat -c %a "$work/switchyard.sock")" = 600 ] || fail "socket is not owner-only"

stop_daemon KILL
sy show >/dev/null 2>"$work/err" && fail "show worked with no daemon"
rc=0; sy show 2>"$work/err" || rc=$?
[ $rc = 2 ] || fail "no-daemon exit code $rc"
[ "$(wc -l <"$work/err")" = 1 ] && grep -q "no switchyard daemon is running" "$work/err" ||
    fail "no-daemon message: $(cat "$work/err")"
ip netns del "$(ns_name c)"  # a container goes away while the daemon is down

start_daemon
sy show >"$work/show"
cat "$work/show"
grep -q "vlan 7" "$work/show" || fail "VLAN config not restored"
grep -q "missing" "$work/show" || fail "show does not report c's missing port"
grep -q "not restored" "$work/daemon.log" || fail "the log does not report c's missing port"
for _ in 1 2 3; do in_ns a ping -c 1 -W 1 10.200.4.2 >/dev/null && break; done
in_ns a ping -c 2 -i 0.2 -W 2 10.200.4.2 >/dev/null || fail "ping after the restart"
http_server b 10.200.4.2
in_ns a curl -sS --max-time 5 http://10.200.4.2:8080/ >/dev/null || fail "HTTP after the restart"
echo "restart ok: config restored, traffic flows, missing container reported"

# A corrupt state file: clear error, file kept byte for byte.
stop_daemon TERM
printf '{"version":1,"bridges":[{"name":' >"$work/state.json"
sum=$(md5sum <"$work/state.json")
rc=0; timeout 10 "$sy_bin" daemon >"$work/corrupt.log" 2>&1 || rc=$?
[ $rc = 1 ] || fail "daemon with a corrupt state file exited $rc"
grep -q "state.json is corrupt" "$work/corrupt.log" || fail "unclear corrupt-state error: $(cat "$work/corrupt.log")"
[ "$(md5sum <"$work/state.json")" = "$sum" ] || fail "corrupt state file was modified"
start_daemon --move-corrupt-state
ls "$work"/state.json.corrupt-* >/dev/null || fail "corrupt state not kept aside"
sy show | grep -q "no bridges" || fail "did not start empty"
echo "corrupt state ok"
echo "PASS"
