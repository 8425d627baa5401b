#!/usr/bin/env bash
# Three containers (namespaces) attached with default offloads (TX checksum, TSO on) through
# `switchyard attach`: ping, HTTP GET, iperf3 succeed between all of them; the bridge learns
# their MACs; stats count the traffic; VLAN isolation holds; detach removes everything.
# Usage: switch_containers.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
for n in a b c; do make_ns $n; done
out=$(sy attach br0 "$(ns_name a)" --ip 10.200.1.1/24 --mac 02:00:00:00:01:01) || fail "attach a"
echo "$out"
port_a=$(echo "$out" | sed -n 's/.*port \(sy[0-9a-f]*\) .*/\1/p')
[ ${#port_a} -le 15 ] && [ -n "$port_a" ] || fail "host port name '$port_a'"
ip link show "$port_a" >/dev/null || fail "host end $port_a missing"
sy attach br0 "$(ns_name b)" --ip 10.200.1.2/24 --gateway 10.200.1.254 >/dev/null || fail "attach b"
# c by PID of a process inside it, with its own interface name and MTU.
ip netns exec "$(ns_name c)" sleep 60 & sleeper=$!
for _ in $(seq 50); do [ "$(readlink /proc/$sleeper/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.05; done
[ "$(readlink /proc/$sleeper/ns/net)" != "$(readlink /proc/self/ns/net)" ] || fail "sleeper not in its namespace"
sy attach br0 "$sleeper" --ip 10.200.1.3/24 --ifname ctr0 --mtu 1400 >/dev/null || fail "attach c by PID"
in_ns c ip link show ctr0 | grep -q "mtu 1400" || fail "mtu not set"
in_ns a ip link show eth0 | grep -q "02:00:00:00:01:01" || fail "mac not set"
in_ns b ip route | grep -q "default via 10.200.1.254" || fail "default route not set"
in_ns a ip -br addr show eth0 | grep -q "10.200.1.1/24" || fail "address not set"
offloads_on a
offloads_on c ctr0

in_ns a ping -c 2 -i 0.2 -W 2 10.200.1.2 >/dev/null || fail "ping a->b"
in_ns c ping -c 2 -i 0.2 -W 2 10.200.1.1 >/dev/null || fail "ping c->a"
in_ns b ping -c 2 -i 0.2 -W 2 10.200.1.3 >/dev/null || fail "ping b->c"
echo "ping ok"

http_server b 10.200.1.2
body=$(in_ns a curl -sS --max-time 5 http://10.200.1.2:8080/) || fail "HTTP GET a->b"
[ "$body" = "hello from b" ] || fail "HTTP body '$body'"
body=$(in_ns c curl -sS --max-time 5 http://10.200.1.2:8080/) || fail "HTTP GET c->b"
echo "http ok"

in_ns a iperf3 -s -1 -B 10.200.1.1 >/dev/null 2>&1 &
sleep 0.5
in_ns b iperf3 -c 10.200.1.1 -t 3 -J >"$work/iperf.json" || fail "iperf3 b->a"
gbps=$(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(round(d['end']['sum_received']['bits_per_second']/1e9, 2))" "$work/iperf.json")
echo "iperf3 ok: $gbps Gbit/s (b->a, 3 s, default offloads)"
[ "$(csum_errors a)" = 0 ] && [ "$(csum_errors b)" = 0 ] || fail "checksum errors at a receiver"

sy fdb br0 | grep -q "02:00:00:00:01:01" || fail "fdb lacks a's MAC"
sy stats --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
# What userspace received and what the kernel fast path (on by default) carried for it.
rx = sum(p['rx_packets'] + p.get('kernel_fastpath', {}).get('rx_packets', 0)
         for b in d['bridges'] for p in b['ports'])
assert rx > 1000, rx
" || fail "stats do not show the traffic"
sy show | grep -q "$port_a" || fail "show lacks $port_a"

# Error cases: precise, and nothing changes.
before=$(sy show --json)
sy attach br0 sy-no-such-ns --ip 10.200.1.9/24 2>"$work/err" && fail "attach to a missing container succeeded"
grep -q "sy-no-such-ns" "$work/err" || fail "unclear error: $(cat "$work/err")"
sy attach br0 "$(ns_name a)" --ip 10.200.1.9/24 --ifname eth1 --port-name "$port_a" 2>"$work/err" && fail "port name clash accepted"
sy attach br0 "$(ns_name a)" --ip 10.200.1.9/24 --ifname eth0 --port-name syfresh0 2>"$work/err" && fail "ifname clash accepted"
grep -q "already has an interface 'eth0'" "$work/err" || fail "unclear error: $(cat "$work/err")"
ip link show syfresh0 >/dev/null 2>&1 && fail "half-done attach left syfresh0"
rc=0; sy attach br0 "$(ns_name a)" --ip 10.200.1.9/33 --ifname eth1 2>"$work/err" || rc=$?
[ $rc = 2 ] || fail "bad CIDR exit code $rc"
grep -q "10.200.1.9/33" "$work/err" || fail "unclear error: $(cat "$work/err")"
in_ns a ip link show eth1 >/dev/null 2>&1 && fail "half-done attach left eth1 in the container"
# A failure after the veth exists (the gateway is not on the container's subnet): rolled back.
sy attach br0 "$(ns_name a)" --ip 10.200.1.9/24 --ifname eth1 --gateway 10.99.0.1 --port-name syroll0 2>"$work/err" &&
    fail "unreachable gateway accepted"
grep -q "default route via 10.99.0.1" "$work/err" || fail "unclear error: $(cat "$work/err")"
ip link show syroll0 >/dev/null 2>&1 && fail "rollback left syroll0 on the host"
in_ns a ip link show eth1 >/dev/null 2>&1 && fail "rollback left eth1 in the container"
sy attach nobr "$(ns_name a)" --ip 10.200.1.9/24 2>/dev/null && fail "attach to a missing bridge succeeded"
[ "$(sy show --json)" = "$before" ] || fail "a failed command changed the configuration"
echo "errors ok"

# VLAN isolation: d (VLAN 10) and e (VLAN 20) cannot reach each other; f (VLAN 10) reaches d.
for n in d e f; do make_ns $n; done
sy attach br0 "$(ns_name d)" --ip 10.200.2.1/24 --vlan 10 >/dev/null || fail "attach d"
sy attach br0 "$(ns_name e)" --ip 10.200.2.2/24 --vlan 20 >/dev/null || fail "attach e"
sy attach br0 "$(ns_name f)" --ip 10.200.2.3/24 --vlan 10 >/dev/null || fail "attach f"
in_ns f ping -c 2 -i 0.2 -W 2 10.200.2.1 >/dev/null || fail "same VLAN ping f->d"
in_ns e ping -c 2 -i 0.2 -W 1 10.200.2.1 >/dev/null 2>&1 && fail "VLAN 20 reached VLAN 10"
in_ns d ping -c 1 -W 1 10.200.1.1 >/dev/null 2>&1 && fail "VLAN 10 reached untagged"
echo "vlan isolation ok"

sy detach br0 "$(ns_name a)" >/dev/null || fail "detach a"
ip link show "$port_a" >/dev/null 2>&1 && fail "detach left $port_a"
in_ns a ip link show eth0 >/dev/null 2>&1 && fail "detach left eth0 in a"
sy show | grep -q "$port_a" && fail "show still lists $port_a"
sy del-br br0 >/dev/null || fail "del-br"
daemon_alive || fail "daemon died"
kill "$sleeper" 2>/dev/null
echo "PASS"
