#!/usr/bin/env bash
# Two namespaces (containers with default offloads: tx checksumming and TSO on), each with a
# veth whose root-side end is an af_packet port of a Switch running in dataplane_switch_host.
#   vnet_hdr: ping, HTTP GET and a 2 s iperf3 TCP run must succeed; then deleting one
#             namespace (its veth vanishes) must take the port down cleanly.
#   legacy:   reproduces the old userspace-datapath bug: ping works, TCP does not complete,
#             and the receiver's TcpInCsumErrors rises.
#   corrupt:  vnet_hdr, and the switch flips one payload bit in every UDP datagram arriving
#             from the first namespace (lab fault injection): the receiving kernel must drop
#             them all (UdpInCsumErrors), the application must receive none.
#   (The unsafe_mark_verified counterpart, damage delivered, is dataplane_veth_lesson.sh.)
# Usage: dataplane_veth_e2e.sh HOST_BINARY vnet_hdr|legacy|corrupt
set -euo pipefail
host_bin=$1
mode=$2
id=$$
nsa=sy-dpa$id nsb=sy-dpb$id
va=sydpa$id vb=sydpb$id
ipa=10.200.77.1 ipb=10.200.77.2
work=$(mktemp -d)
host_pid=

source "$(dirname "$0")/dataplane_lib.sh"
trap cleanup EXIT

add_host "$nsa" "$va" "$ipa"
add_host "$nsb" "$vb" "$ipb"
# The containers keep their default offloads; make sure they are really on.
ip netns exec "$nsa" ethtool -k eth0 | grep -q "tx-checksumming: on" || fail "tx checksumming is off in $nsa"

if [ "$mode" = corrupt ]; then
    "$host_bin" vnet_hdr "$va:corrupt=1.0" "$vb" >"$work/host.out" 2>"$work/host.err" &
else
    "$host_bin" "$mode" "$va" "$vb" >"$work/host.out" 2>"$work/host.err" &
fi
host_pid=$!
for _ in $(seq 50); do grep -q ready "$work/host.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/host.out" || fail "switch host did not start"

ip netns exec "$nsa" ping -c 3 -i 0.2 -W 2 "$ipb" >"$work/ping.out" || fail "ping through the switch ($mode)"
echo "ping ok: $(tail -1 "$work/ping.out")"

if [ "$mode" = corrupt ]; then
    udp_before=$(csum_errors "$nsb" Udp)
    ip netns exec "$nsb" /usr/bin/python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('$ipb', 9999)); s.settimeout(1.5)
n = 0
try:
    while True:
        s.recv(2000); n += 1
except socket.timeout:
    pass
open('$work/udp_received', 'w').write(str(n))
" &
    receiver=$!
    sleep 0.3
    ip netns exec "$nsa" /usr/bin/python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    s.sendto(b'switchyard-corruption-test-%d' % i + bytes(200), ('$ipb', 9999))
"
    wait "$receiver"
    received=$(cat "$work/udp_received")
    udp_after=$(csum_errors "$nsb" Udp)
    [ "$received" = 0 ] || fail "corrupted datagrams were delivered to the application ($received)"
    [ $((udp_after - udp_before)) -ge 20 ] ||
        fail "receiver UdpInCsumErrors rose by $((udp_after - udp_before)), expected >= 20"
    echo "corruption detected by the receiver: UdpInCsumErrors $udp_before -> $udp_after, 0 delivered"
    kill "$host_pid"; wait "$host_pid" || true; host_pid=
    cat "$work/host.out"
    injected=$(sed -n "s/^port $va .*corrupted=\([0-9]*\).*/\1/p" "$work/host.out")
    [ "${injected:-0}" -ge 20 ] || fail "switch counted ${injected:-0} injected corruptions, expected >= 20"
    echo PASS
    exit 0
fi

ip netns exec "$nsb" /usr/bin/python3 -m http.server 8080 --bind "$ipb" --directory "$work" \
    >/dev/null 2>&1 &
echo hello-through-switchyard >"$work/index.html"
for _ in $(seq 50); do ip netns exec "$nsb" ss -ltn | grep -q ":8080" && break; sleep 0.1; done
errors_before=$(csum_errors "$nsb")

if [ "$mode" = vnet_hdr ]; then
    body=$(ip netns exec "$nsa" curl -s --max-time 5 "http://$ipb:8080/index.html") ||
        fail "HTTP GET through the switch"
    [ "$body" = hello-through-switchyard ] || fail "HTTP body was '$body'"
    echo "http ok"
    ip netns exec "$nsb" iperf3 -s -1 -B "$ipb" >/dev/null 2>&1 &
    sleep 0.3
    ip netns exec "$nsa" iperf3 -c "$ipb" -t 2 -J >"$work/iperf.json" || fail "iperf3 TCP"
    gbps=$(/usr/bin/python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['end']['sum_received']['bits_per_second']/1e9, 2))" "$work/iperf.json")
    echo "iperf3 ok: $gbps Gbit/s"
    errors_after=$(csum_errors "$nsb")
    [ "$errors_after" = "$errors_before" ] || fail "receiver counted TCP checksum errors ($errors_before -> $errors_after)"
    # A container disappears while the switch runs: its port goes down, the switch survives.
    # (the namespace lives on while processes run in it: stop them first)
    ip netns pids "$nsb" | xargs -r kill
    sleep 0.2
    ip netns del "$nsb"
    for _ in $(seq 100); do grep -q "is down" "$work/host.err" && break; sleep 0.1; done
    grep -q "port $vb on bridge br0 is down" "$work/host.err" || fail "vanished port not reported"
    kill -0 "$host_pid" || fail "switch host died when a port vanished"
    ip netns exec "$nsa" ping -c 1 -W 1 "$ipb" >/dev/null 2>&1 || true  # still switching, no crash
    kill -0 "$host_pid" || fail "switch host died after a port vanished"
    echo "vanished port handled: $(grep 'is down' "$work/host.err")"
else
    if ip netns exec "$nsa" curl -s --max-time 3 "http://$ipb:8080/index.html" >/dev/null; then
        fail "legacy mode: TCP completed, the bug was not reproduced"
    fi
    errors_after=$(csum_errors "$nsb")
    [ "$errors_after" -gt "$errors_before" ] ||
        fail "legacy mode: receiver TcpInCsumErrors did not rise ($errors_before -> $errors_after)"
    echo "legacy reproduced the bug: TCP failed, TcpInCsumErrors $errors_before -> $errors_after"
fi
kill "$host_pid"
wait "$host_pid" || true
host_pid=
cat "$work/host.out"
if [ "$mode" = legacy ]; then
    # The switch recognised what it forwarded: the client's SYN carried the bare
    # pseudo-header sum (a partial checksum that lost its metadata at the packet socket).
    seeds=$(sed -n "s/^port $va .*pseudo_seed=\([0-9]*\).*/\1/p" "$work/host.out")
    [ "${seeds:-0}" -gt 0 ] || fail "legacy mode: no pseudo-header-sum fingerprint counted on $va"
fi
echo PASS
