#!/usr/bin/env bash
# How ports on kernel interfaces receive, as the daemon's options say: by default through a
# TPACKET_V2 ring of 4096 slots of 2 KiB per port (8 MiB each, mapped into the daemon: the
# oracle is /proc/PID/maps), `--af-packet-ring-slots 64` maps 128 KiB per port, and
# `--af-packet-rx recvmmsg` maps none. In each mode containers with default offloads reach
# each other (ping, TCP with 0 checksum errors), all through the userspace datapath.
# Usage: switch_rx_ring.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"

# Bytes of the daemon's shared mappings of sockets (packet rings; nothing else maps one).
ring_bytes() {
    /usr/bin/python3 -c '
import sys
total = 0
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) >= 6 and f[5].startswith("socket:"):
        lo, hi = (int(x, 16) for x in f[0].split("-"))
        total += hi - lo
print(total)' /proc/"$daemon_pid"/maps
}

check_traffic() {  # check_traffic WHAT
    for _ in $(seq 20); do in_ns a ping -c 1 -W 1 10.200.9.2 >/dev/null && break; sleep 0.25; done
    in_ns a ping -c 3 -i 0.2 -W 2 10.200.9.2 >/dev/null || fail "$1: ping a->b"
    in_ns b iperf3 -s -1 -B 10.200.9.2 >/dev/null 2>&1 &
    sleep 0.5
    in_ns a iperf3 -c 10.200.9.2 -t 1 -J >"$work/iperf.json" || fail "$1: iperf3 a->b"
    /usr/bin/python3 -c "import json,sys; b=json.load(open(sys.argv[1]))['end']['sum_received']['bytes']; assert b > 1e6, b" \
        "$work/iperf.json" || fail "$1: TCP moved too little"
    for n in a b; do [ "$(csum_errors $n)" = 0 ] || fail "$1: checksum errors in $n"; done
}

start_daemon --no-kernel-fastpath
sy add-br br0 >/dev/null || fail "add-br"
for n in a b; do make_ns $n; done
sy attach br0 "$(ns_name a)" --ip 10.200.9.1/24 >/dev/null || fail "attach a"
sy attach br0 "$(ns_name b)" --ip 10.200.9.2/24 >/dev/null || fail "attach b"
for n in a b; do offloads_on $n; done
[ "$(ring_bytes)" = $((2 * 4096 * 2048)) ] || fail "default: $(ring_bytes) bytes of rings, want 2 x 8 MiB"
check_traffic "default ring"

# The same configuration (it persists) with other receive options.
stop_daemon
start_daemon --no-kernel-fastpath --af-packet-ring-slots 64
[ "$(ring_bytes)" = $((2 * 64 * 2048)) ] || fail "64 slots: $(ring_bytes) bytes of rings"
check_traffic "64-slot ring"

stop_daemon
start_daemon --no-kernel-fastpath --af-packet-rx recvmmsg
[ "$(ring_bytes)" = 0 ] || fail "recvmmsg: $(ring_bytes) bytes of rings, want none"
check_traffic "recvmmsg"
echo PASS
