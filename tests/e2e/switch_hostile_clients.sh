#!/usr/bin/env bash
# A local client cannot lock the control socket: with 32 idle connections held open, then 40
# that send one byte a second, other clients still get answers within a few seconds, while a
# switch-port capture (a quiet, long-lived connection) keeps running. Capture files are
# owner-only.
# Usage: switch_hostile_clients.sh SWITCHYARD_BIN
SY_NS_TAG=hd
source "$(dirname "$0")/switch_lib.sh" "$1"
hogs=()
stop_hogs() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done; hogs=(); }
trap 'stop_hogs; cleanup' EXIT

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
make_ns a; make_ns b
sy attach br0 "$(ns_name a)" --ip 10.234.0.1/24 >/dev/null || fail "attach a"
sy attach br0 "$(ns_name b)" --ip 10.234.0.2/24 --json >"$work/b.json" || fail "attach b"
port_b=$(/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["port"])' <"$work/b.json")
umask 022
"$sy_bin" capture br0 "$port_b" -w "$work/cap.pcapng" 2>"$work/capture.log" &
capture_pid=$!
hogs+=("$capture_pid")
sleep 0.5

hog() {  # hog N MODE: N connections, idle or sending a byte a second, for 60 s
    /usr/bin/python3 - "$work/switchyard.sock" "$1" "$2" >/dev/null 2>&1 <<'PY' &
import socket, sys, time
path, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
socks = []
for _ in range(n):
    s = socket.socket(socket.AF_UNIX); s.connect(path); socks.append(s)
end = time.time() + 60
while time.time() < end:
    for s in socks:
        if mode == "slow":
            try: s.send(b"{")
            except OSError: pass
    time.sleep(1)
PY
    hogs+=($!)
}
timed_show() {  # timed_show LABEL: `show` must answer within 3 s
    local t0 t1
    t0=$(date +%s%N)
    timeout 10 "$sy_bin" show >/dev/null 2>"$work/err" || fail "$1: show failed: $(cat "$work/err")"
    t1=$(date +%s%N)
    echo "$1: show answered in $(((t1 - t0) / 1000000)) ms"
    [ $(((t1 - t0) / 1000000)) -lt 3000 ] || fail "$1: show took too long"
}
hog 32 idle; sleep 1
timed_show "32 idle connections"
timed_show "32 idle connections, again"
hog 40 slow; sleep 2
timed_show "40 slow connections"
sleep 3
timed_show "40 slow connections, 5 s later"

in_ns a ping -c 3 -i 0.2 -W 2 10.234.0.2 >/dev/null || fail "ping"
kill -0 "$capture_pid" 2>/dev/null || fail "the capture was cut off: $(cat "$work/capture.log")"
kill -TERM "$capture_pid"
rc=0; wait "$capture_pid" || rc=$?
[ $rc = 0 ] || fail "capture exited $rc: $(cat "$work/capture.log")"
[ "$(stat -c %a "$work/cap.pcapng")" = 600 ] || fail "capture file mode $(stat -c %a "$work/cap.pcapng")"
n=$(tshark -r "$work/cap.pcapng" -Y icmp 2>/dev/null | wc -l)
[ "$n" -ge 6 ] || fail "the capture recorded $n ICMP packets"
in_ns a timeout 5 "$sy_bin" capture --iface eth0 -w "$work/iface.pcapng" --count 1 2>/dev/null &
iface_pid=$!
sleep 0.5; in_ns a ping -c 2 -W 1 10.234.0.2 >/dev/null
wait "$iface_pid" || fail "capture --iface"
[ "$(stat -c %a "$work/iface.pcapng")" = 600 ] || fail "capture --iface file mode"
stop_hogs
echo "PASS"
