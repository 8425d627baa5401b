#!/usr/bin/env bash
# The real ovs-ofctl (OpenFlow 1.3) drives a bridge through its management socket BR.mgmt:
# show, dump-ports(-desc), add-flow(s), mod-flows, del-flows (strict and not), dump-flows
# with counters that grow with traffic, dump-aggregate, packet-out, replace-flows, and
# errors for what is refused, while the switch keeps forwarding. The output parsed is what
# ovs-ofctl prints. Usage: switch_openflow_ofctl.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"
source "$(dirname "$0")/openflow_lib.sh"

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
two_containers br0
wait_mgmt br0
m=unix:$work/br0.mgmt
[ "$(stat -c %a "$work/br0.mgmt")" = 600 ] || fail "br0.mgmt is not owner-only"

port_a=$(sy show --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
print([p['name'] for b in d['bridges'] for p in b['ports'] if p['ofport'] == 1][0])")

# show / dump-ports-desc: both ports, by number and name.
of show "$m" >"$work/show" || fail "ovs-ofctl show: $(cat "$work/show")"
grep -q "OFPT_FEATURES_REPLY" "$work/show" || fail "show: no features reply"
grep -q " 1($port_a): addr:" "$work/show" || fail "show lacks port 1 ($port_a): $(cat "$work/show")"
grep -q " 2(" "$work/show" || fail "show lacks port 2"
of dump-ports-desc "$m" | grep -q " 2(" || fail "dump-ports-desc lacks port 2"
echo "show ok"

# The default flow, then none: nothing passes.
of dump-flows "$m" | grep -q "priority=0 actions=NORMAL" || fail "no default flow: $(of dump-flows "$m")"
in_ns a ping -c 1 -W 2 10.201.1.2 >/dev/null || fail "ping with the default flow"
of del-flows "$m" || fail "del-flows"
[ "$(of dump-flows "$m" | grep -c priority)" = 0 ] || fail "flows left after del-flows"
in_ns a ping -c 1 -W 1 10.201.1.2 >/dev/null && fail "ping passed with no flows"

# add-flow, add-flows: a port-to-port patch for IP, ARP by NORMAL.
of add-flow "$m" "priority=10,in_port=1,ip,actions=output:2" || fail "add-flow"
cat >"$work/flows" <<FLOWS
priority=10,in_port=2,ip,actions=output:1
priority=5,arp,actions=NORMAL
cookie=0x42,table=1,priority=1,actions=drop
FLOWS
of add-flows "$m" "$work/flows" || fail "add-flows"
in_ns a ping -c 3 -i 0.2 -W 2 10.201.1.2 >/dev/null || fail "ping through the flows"
n1=$(flow_packets "$work/br0.mgmt" "in_port=1,ip")
[ "${n1:-0}" -ge 3 ] || fail "in_port=1 flow counted ${n1:-nothing}: $(of dump-flows "$m")"
in_ns a ping -c 4 -i 0.2 -W 2 10.201.1.2 >/dev/null || fail "ping again"
n2=$(flow_packets "$work/br0.mgmt" "in_port=1,ip")
[ "$n2" -ge $((n1 + 4)) ] || fail "counter did not grow: $n1 -> $n2"
of dump-flows "$m" | grep -q "cookie=0x42, .*table=1, .*priority=1 actions=drop" || fail "table 1 flow: $(of dump-flows "$m")"
sy dump-flows br0 | grep -q "cookie=0x42" || fail "switchyard dump-flows does not see the OpenFlow flows"
echo "add-flow(s), dump-flows counters ok ($n1 -> $n2)"

# dump-ports: port 1 received the pings.
rx=$(of dump-ports "$m" 1 | sed -n 's/.*rx pkts=\([0-9]*\).*/\1/p')
[ "${rx:-0}" -ge 7 ] || fail "dump-ports port 1 rx=${rx:-?}: $(of dump-ports "$m" 1)"
of dump-ports "$m" | grep -q "port  2: rx pkts=" || fail "dump-ports lacks port 2: $(of dump-ports "$m")"
# dump-aggregate: four flows.
of dump-aggregate "$m" | grep -q "flow_count=4" || fail "aggregate: $(of dump-aggregate "$m")"
echo "dump-ports, dump-aggregate ok"

# mod-flows: b's traffic dropped, then restored; strict and loose.
of mod-flows "$m" "in_port=2,ip,actions=drop" || fail "mod-flows"
in_ns a ping -c 1 -W 1 10.201.1.2 >/dev/null && fail "ping passed after mod-flows drop"
of mod-flows --strict "$m" "priority=10,in_port=2,ip,actions=output:1" || fail "mod-flows --strict"
in_ns a ping -c 1 -W 2 10.201.1.2 >/dev/null || fail "ping after restoring"
echo "mod-flows ok"

# del-flows --strict needs the exact priority; loose removes every flow it covers.
of del-flows --strict "$m" "priority=9,in_port=1,ip" || fail "del-flows --strict (no match)"
[ "$(of dump-flows "$m" | grep -c priority)" = 4 ] || fail "strict delete with another priority removed something"
of del-flows --strict "$m" "priority=10,in_port=1,ip" || fail "del-flows --strict"
[ "$(of dump-flows "$m" | grep -c priority)" = 3 ] || fail "strict delete: $(of dump-flows "$m")"
of del-flows "$m" "table=1" || fail "del-flows table=1"
[ "$(of dump-flows "$m" | grep -c priority)" = 2 ] || fail "loose delete: $(of dump-flows "$m")"
echo "del-flows ok"

# replace-flows: exactly the file afterwards.
cat >"$work/replace" <<FLOWS
priority=10,in_port=1,actions=output:2
priority=10,in_port=2,actions=output:1
priority=0,actions=drop
FLOWS
of replace-flows "$m" "$work/replace" || fail "replace-flows"
of dump-flows --no-names "$m" >"$work/dump"
[ "$(grep -c priority "$work/dump")" = 3 ] || fail "replace-flows left: $(cat "$work/dump")"
grep -q "priority=10,in_port=1 actions=output:2" "$work/dump" || fail "replace-flows: $(cat "$work/dump")"
grep -q "priority=0 actions=drop" "$work/dump" || fail "replace-flows lacks the drop flow"
in_ns a ping -c 1 -W 2 10.201.1.2 >/dev/null || fail "ping after replace-flows"
echo "replace-flows ok"

# packet-out: a UDP frame to b, from the controller and as if from port 1.
frame=$(/usr/bin/python3 -c "
from scapy.all import Ether, IP, UDP, Raw
p = Ether(src='02:00:00:00:02:01', dst='02:00:00:00:02:02')/IP(src='10.201.1.1', dst='10.201.1.2')/UDP(sport=9999, dport=9999)/Raw(b'packet-out-probe')
print(bytes(p).hex())" 2>/dev/null) || fail "scapy"
in_ns b timeout 10 tcpdump -i eth0 -c 2 -nn -A udp port 9999 >"$work/tcpdump" 2>/dev/null &
tcpdump_pid=$!
sleep 1
of packet-out "$m" "in_port=controller packet=$frame actions=output:2" || fail "packet-out from the controller"
of packet-out "$m" "in_port=1 packet=$frame actions=output:2" || fail "packet-out in_port=1"
wait $tcpdump_pid || fail "b did not see the packet-outs: $(cat "$work/tcpdump")"
[ "$(grep -c packet-out-probe "$work/tcpdump")" = 2 ] || fail "packet-out payloads: $(cat "$work/tcpdump")"
echo "packet-out ok"

# Refused: the error names the OpenFlow reason; nothing changes; forwarding goes on.
of add-flow "$m" "table=3,priority=1,actions=goto_table:2" 2>"$work/err" && fail "backwards goto_table accepted"
grep -q "OFPBIC_BAD_TABLE_ID" "$work/err" || fail "goto_table error: $(cat "$work/err")"
of add-flow "$m" "priority=1,actions=group:1" 2>"$work/err" && fail "group action accepted"
grep -q "OFPBAC_BAD_OUT_GROUP" "$work/err" || fail "group error: $(cat "$work/err")"
[ "$(of dump-flows "$m" | grep -c priority)" = 3 ] || fail "a refused flow changed the tables"
# A peer speaking only OpenFlow 1.0 is told so.
ovs-ofctl -O OpenFlow10 show "$m" 2>"$work/err" && fail "OpenFlow 1.0 accepted"
in_ns a ping -c 1 -W 2 10.201.1.2 >/dev/null || fail "ping after refused requests"
daemon_alive || fail "daemon died"
echo "errors ok"

sy show | grep -q "openflow: controllers none, fail mode standalone, mgmt $work/br0.mgmt" || fail "show: $(sy show)"
[ "$(csum_errors b)" = 0 ] || fail "checksum errors at b"
echo "PASS"
