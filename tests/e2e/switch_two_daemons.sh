#!/usr/bin/env bash
# Two daemons can never own one port, even when the lock file and the socket were deleted by
# hand: a second daemon on the same state refuses to start before touching anything, and a
# daemon with a copy of the state (another --dir) finds the ports claimed and leaves them.
# Pings through the first daemon get no duplicates.
# Usage: switch_two_daemons.sh SWITCHYARD_BIN
SY_NS_TAG=hd
source "$(dirname "$0")/switch_lib.sh" "$1"
other=$work/other
other_pid=
trap '[ -n "$other_pid" ] && kill -KILL "$other_pid" 2>/dev/null; cleanup' EXIT

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
make_ns a; make_ns b
sy attach br0 "$(ns_name a)" --ip 10.232.0.1/24 >/dev/null || fail "attach a"
sy attach br0 "$(ns_name b)" --ip 10.232.0.2/24 >/dev/null || fail "attach b"
in_ns a ping -c 1 -W 2 10.232.0.2 >/dev/null || fail "ping with one daemon"
cp "$work/state.json" "$work/state.copy"

# The same state directory, its lock file and socket deleted: refused at once, nothing done.
rm -f "$work/switchyard.lock" "$work/switchyard.sock"
rc=0; timeout 10 "$sy_bin" daemon >"$work/second.log" 2>&1 || rc=$?
cat "$work/second.log"
[ $rc = 1 ] || fail "second daemon on the same state exited $rc"
grep -q "held by another switchyard daemon (pid $daemon_pid)" "$work/second.log" ||
    fail "second daemon did not name the first"
grep -q "restored\|listening" "$work/second.log" && fail "second daemon restored ports before refusing"

# Another directory with a copy of the state: it runs, but cannot take the ports.
mkdir -p "$other"
cp "$work/state.copy" "$other/state.json"
SWITCHYARD_DIR=$other "$sy_bin" daemon >"$work/other.log" 2>&1 &
other_pid=$!
for _ in $(seq 100); do
    SWITCHYARD_DIR=$other "$sy_bin" show >/dev/null 2>&1 && break
    sleep 0.05
done
kill -0 "$other_pid" 2>/dev/null || fail "the other daemon did not start: $(cat "$work/other.log")"
grep -q "held by another switchyard daemon (pid $daemon_pid)" "$work/other.log" ||
    fail "the other daemon did not report the claimed ports: $(cat "$work/other.log")"
SWITCHYARD_DIR=$other "$sy_bin" show | grep -q missing || fail "claimed ports not shown missing"
port_a=$(SWITCHYARD_DIR=$other "$sy_bin" show --json |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["bridges"][0]["ports"][0]["name"])')
SWITCHYARD_DIR=$other "$sy_bin" del-port br0 "$port_a" >/dev/null || fail "del-port of a missing port"
SWITCHYARD_DIR=$other "$sy_bin" add-br br9 >/dev/null
rc=0; SWITCHYARD_DIR=$other "$sy_bin" add-port br9 "$port_a" 2>"$work/err" || rc=$?
[ $rc = 2 ] && grep -q "held by another switchyard daemon" "$work/err" ||
    fail "add-port of a claimed interface: exit $rc, $(cat "$work/err")"

out=$(in_ns a ping -c 5 -i 0.2 -W 2 10.232.0.2)
echo "$out" | tail -2
echo "$out" | grep -q " 5 received" || fail "pings lost with two daemons"
echo "$out" | grep -q "duplicates" && fail "duplicate replies: two switches forward"
echo "PASS"
