#!/usr/bin/env bash
# `switchyard capture BRIDGE PORT -w FILE` through the daemon: runs until SIGINT, then the
# file is a readable pcapng (tshark, an independent reader) holding the ping that crossed the
# port. A capture whose client is killed is stopped by the daemon (a second one can start).
# Usage: switch_capture.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
make_ns a
make_ns b
out=$(sy attach br0 "$(ns_name a)" --ip 10.200.6.1/24) || fail "attach a"
port_a=$(echo "$out" | sed -n 's/.*port \(sy[0-9a-f]*\) .*/\1/p')
sy attach br0 "$(ns_name b)" --ip 10.200.6.2/24 >/dev/null || fail "attach b"

rc=0; sy capture br0 no-such-port -w "$work/x.pcapng" 2>"$work/err" || rc=$?
[ $rc = 2 ] || fail "capture of an unknown port exit $rc: $(cat "$work/err")"

"$sy_bin" capture br0 "$port_a" --direction both -w "$work/a.pcapng" 2>"$work/cap.err" &
cap=$!
sleep 0.5
in_ns a ping -c 3 -i 0.2 -W 2 10.200.6.2 >/dev/null || fail "ping during capture"
kill -INT $cap
wait $cap || fail "capture exited $?: $(cat "$work/cap.err")"
n=$(tshark -r "$work/a.pcapng" -Y "icmp.type == 8 && ip.dst == 10.200.6.2" 2>/dev/null | wc -l)
echo "capture: $n echo requests seen by tshark"
[ "$n" -ge 3 ] || fail "expected >= 3 echo requests in the capture, got $n"

# Killing the capture client (no chance to say stop): the daemon ends the capture itself.
"$sy_bin" capture br0 "$port_a" -w "$work/b.pcapng" 2>/dev/null &
cap=$!
sleep 0.5
kill -9 $cap; wait $cap 2>/dev/null || true
sleep 0.3
timeout 5 "$sy_bin" capture br0 "$port_a" -w "$work/c.pcapng" 2>"$work/cap.err" &
cap=$!
sleep 0.5
kill -INT $cap
wait $cap || fail "a new capture after a killed one failed: $(cat "$work/cap.err")"
daemon_alive || fail "daemon died"
echo "PASS"
