#!/usr/bin/env bash
# The real ovs-ofctl (OpenFlow 1.3) drives a bridge through its management socket BR.mgmt:
# show, dump-ports(-desc), add-flow(s), mod-flows, del-flows (strict and not), dump-flows
# with counters that grow with traffic, dump-aggregate, packet-out, replace-flows, and
# errors for what is refused, while the switch keeps forwarding. The output parsed is what
# ovs-ofctl prints. Usage: switch_openflow_ofctl.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"
source "$(dirname "$0")/openflow_lib.sh"
ovsdb_pid=
vswitchd_pid=
obr=syof$id  # OVS's bridge: its netdev datapath makes a tap of that name in the host
stop_ovs() {
    [ -n "$vswitchd_pid" ] && ovs-vsctl --db="unix:$work/ovs/db.sock" --timeout=5 del-br "$obr" 2>/dev/null
    for p in $vswitchd_pid $ovsdb_pid; do kill "$p" 2>/dev/null; done
    vswitchd_pid=
    ovsdb_pid=
    ip link del "$obr" 2>/dev/null || true  # the tap may outlive ovs-vswitchd
    return 0
}
trap 'stop_ovs; cleanup' EXIT

# The checks, against SOCK (a bridge whose ports 1 and 2 lead to namespaces NA and NB with
# the given MACs and addresses). Run against Switchyard, then OVS's userspace datapath.
ofctl_suite() {  # ofctl_suite WHO SOCK PORT1_NAME NA MAC_A IP_A NB MAC_B IP_B
    local who=$1 sock=$2 port_a=$3 na=$4 mac_a=$5 ip_a=$6 nb=$7 mac_b=$8 ip_b=$9
    local m=unix:$sock
    # show / dump-ports-desc: both ports, by number and name.
    of show "$m" >"$work/show" || fail "$who: ovs-ofctl show: $(cat "$work/show")"
    grep -q "OFPT_FEATURES_REPLY" "$work/show" || fail "$who: show: no features reply"
    grep -q " 1($port_a): addr:" "$work/show" || fail "$who: show lacks port 1 ($port_a): $(cat "$work/show")"
    grep -q " 2(" "$work/show" || fail "$who: show lacks port 2: $(cat "$work/show")"
    of dump-ports-desc "$m" | grep -q " 2(" || fail "$who: dump-ports-desc lacks port 2"
    echo "$who: show ok"

    # The default flow, then none: nothing passes.
    of dump-flows "$m" | grep -q "priority=0 actions=NORMAL" || fail "$who: no default flow: $(of dump-flows "$m")"
    in_ns "$na" ping -c 1 -W 2 $ip_b >/dev/null || fail "$who: ping with the default flow"
    of del-flows "$m" || fail "$who: del-flows"
    [ "$(of dump-flows "$m" | grep -c priority)" = 0 ] || fail "$who: flows left after del-flows"
    in_ns "$na" ping -c 1 -W 1 $ip_b >/dev/null && fail "$who: ping passed with no flows"

    # add-flow, add-flows: a port-to-port patch for IP, ARP by NORMAL.
    of add-flow "$m" "priority=10,in_port=1,ip,actions=output:2" || fail "$who: add-flow"
    cat >"$work/flows" <<FLOWS
priority=10,in_port=2,ip,actions=output:1
priority=5,arp,actions=NORMAL
cookie=0x42,table=1,priority=1,actions=drop
FLOWS
    of add-flows "$m" "$work/flows" || fail "$who: add-flows"
    in_ns "$na" ping -c 3 -i 0.2 -W 2 $ip_b >/dev/null || fail "$who: ping through the flows"
    n1=$(wait_packets "$sock" "in_port=1,ip" 3)
    [ "${n1:-0}" -ge 3 ] || fail "$who: in_port=1 flow counted ${n1:-nothing}: $(of dump-flows "$m")"
    in_ns "$na" ping -c 4 -i 0.2 -W 2 $ip_b >/dev/null || fail "$who: ping again"
    n2=$(wait_packets "$sock" "in_port=1,ip" $((n1 + 4)))
    [ "$n2" -ge $((n1 + 4)) ] || fail "$who: counter did not grow: $n1 -> $n2"
    of dump-flows "$m" | grep -q "cookie=0x42, .*table=1, .*priority=1 actions=drop" || fail "$who: table 1 flow: $(of dump-flows "$m")"
    echo "$who: add-flow(s), dump-flows counters ok ($n1 -> $n2)"

    # dump-ports: port 1 received the pings.
    rx=$(of dump-ports "$m" 1 | sed -n 's/.*rx pkts=\([0-9]*\).*/\1/p')
    [ "${rx:-0}" -ge 7 ] || fail "$who: dump-ports port 1 rx=${rx:-?}: $(of dump-ports "$m" 1)"
    of dump-ports "$m" | grep -q "port  2: rx pkts=" || fail "$who: dump-ports lacks port 2: $(of dump-ports "$m")"
    # dump-aggregate: four flows.
    of dump-aggregate "$m" | grep -q "flow_count=4" || fail "$who: aggregate: $(of dump-aggregate "$m")"
    echo "$who: dump-ports, dump-aggregate ok"

    # mod-flows: b's traffic dropped, then restored; strict and loose.
    of mod-flows "$m" "in_port=2,ip,actions=drop" || fail "$who: mod-flows"
    in_ns "$na" ping -c 1 -W 1 $ip_b >/dev/null && fail "$who: ping passed after mod-flows drop"
    of mod-flows --strict "$m" "priority=10,in_port=2,ip,actions=output:1" || fail "$who: mod-flows --strict"
    in_ns "$na" ping -c 1 -W 2 $ip_b >/dev/null || fail "$who: ping after restoring"
    echo "$who: mod-flows ok"

    # del-flows --strict needs the exact priority; loose removes every flow it covers.
    of del-flows --strict "$m" "priority=9,in_port=1,ip" || fail "$who: del-flows --strict (no match)"
    [ "$(of dump-flows "$m" | grep -c priority)" = 4 ] || fail "$who: strict delete with another priority removed something"
    of del-flows --strict "$m" "priority=10,in_port=1,ip" || fail "$who: del-flows --strict"
    [ "$(of dump-flows "$m" | grep -c priority)" = 3 ] || fail "$who: strict delete: $(of dump-flows "$m")"
    of del-flows "$m" "table=1" || fail "$who: del-flows table=1"
    [ "$(of dump-flows "$m" | grep -c priority)" = 2 ] || fail "$who: loose delete: $(of dump-flows "$m")"
    echo "$who: del-flows ok"

    # replace-flows: exactly the file afterwards.
    cat >"$work/replace" <<FLOWS
priority=10,in_port=1,actions=output:2
priority=10,in_port=2,actions=output:1
priority=0,actions=drop
FLOWS
    of replace-flows "$m" "$work/replace" || fail "$who: replace-flows"
    of dump-flows --no-names "$m" >"$work/dump"
    [ "$(grep -c priority "$work/dump")" = 3 ] || fail "$who: replace-flows left: $(cat "$work/dump")"
    grep -q "priority=10,in_port=1 actions=output:2" "$work/dump" || fail "$who: replace-flows: $(cat "$work/dump")"
    grep -q "priority=0 actions=drop" "$work/dump" || fail "$who: replace-flows lacks the drop flow"
    in_ns "$na" ping -c 1 -W 2 $ip_b >/dev/null || fail "$who: ping after replace-flows"
    echo "$who: replace-flows ok"

    # packet-out: a UDP frame to b, from the controller and as if from port 1.
    frame=$(/usr/bin/python3 -c "
from scapy.all import Ether, IP, UDP, Raw
p = Ether(src='$mac_a', dst='$mac_b')/IP(src='$ip_a', dst='$ip_b')/UDP(sport=9999, dport=9999)/Raw(b'packet-out-probe')
print(bytes(p).hex())" 2>/dev/null) || fail "$who: scapy"
    in_ns "$nb" timeout 10 tcpdump -i eth0 -c 2 -nn -A udp port 9999 >"$work/tcpdump" 2>/dev/null &
    tcpdump_pid=$!
    sleep 1
    of packet-out "$m" "in_port=controller packet=$frame actions=output:2" || fail "$who: packet-out from the controller"
    of packet-out "$m" "in_port=1 packet=$frame actions=output:2" || fail "$who: packet-out in_port=1"
    wait $tcpdump_pid || fail "$who: b did not see the packet-outs: $(cat "$work/tcpdump")"
    [ "$(grep -c packet-out-probe "$work/tcpdump")" = 2 ] || fail "$who: packet-out payloads: $(cat "$work/tcpdump")"
    echo "$who: packet-out ok"

    # Refused: the error names the OpenFlow reason; nothing changes; forwarding goes on.
    of add-flow "$m" "table=3,priority=1,actions=goto_table:2" 2>"$work/err" && fail "$who: backwards goto_table accepted"
    grep -q "OFPBIC_BAD_TABLE_ID" "$work/err" || fail "$who: goto_table error: $(cat "$work/err")"
    of add-flow "$m" "priority=1,actions=group:1" 2>"$work/err" && fail "$who: group action accepted"
    grep -q "OFPBAC_BAD_OUT_GROUP" "$work/err" || fail "$who: group error: $(cat "$work/err")"
    [ "$(of dump-flows "$m" | grep -c priority)" = 3 ] || fail "$who: a refused flow changed the tables"
    # A peer speaking only OpenFlow 1.0 is told so.
    ovs-ofctl -O OpenFlow10 show "$m" 2>"$work/err" && fail "$who: OpenFlow 1.0 accepted"
    in_ns "$na" ping -c 1 -W 2 $ip_b >/dev/null || fail "$who: ping after refused requests"
    echo "$who: errors ok"
}

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
two_containers br0
wait_mgmt br0
[ "$(stat -c %a "$work/br0.mgmt")" = 600 ] || fail "br0.mgmt is not owner-only"

port_a=$(sy show --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
print([p['name'] for b in d['bridges'] for p in b['ports'] if p['ofport'] == 1][0])")

ofctl_suite switchyard "$work/br0.mgmt" "$port_a" a 02:00:00:00:02:01 10.201.1.1 b 02:00:00:00:02:02 10.201.1.2

sy show | grep -q "openflow: controllers none, fail mode standalone, mgmt $work/br0.mgmt" || fail "show: $(sy show)"
[ "$(csum_errors b)" = 0 ] || fail "checksum errors at b"
sy dump-flows br0 | grep -q "priority=10" || fail "switchyard dump-flows does not see the OpenFlow flows"
daemon_alive || fail "daemon died"

# The same against OVS's userspace datapath (private: own database, sockets, pid files), as
# the reference: a check that passes there and fails above points at Switchyard.
if command -v ovs-vswitchd >/dev/null; then
    export OVS_RUNDIR=$work/ovs OVS_LOGDIR=$work/ovs OVS_DBDIR=$work/ovs
    mkdir -p "$work/ovs"
    ovsdb-tool create "$work/ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server "$work/ovs/conf.db" --remote="punix:$work/ovs/db.sock" --pidfile="$work/ovs/ovsdb.pid" \
        --no-chdir --log-file="$work/ovs/ovsdb.log" --detach 2>/dev/null
    ovsdb_pid=$(cat "$work/ovs/ovsdb.pid")
    vsctl() { ovs-vsctl --db="unix:$work/ovs/db.sock" "$@"; }
    vsctl --no-wait init
    ovs-vswitchd "unix:$work/ovs/db.sock" --pidfile="$work/ovs/vswitchd.pid" --no-chdir \
        --log-file="$work/ovs/vswitchd.log" --detach -vconsole:off 2>/dev/null
    vswitchd_pid=$(cat "$work/ovs/vswitchd.pid")
    vsctl add-br "$obr" -- set bridge "$obr" datapath_type=netdev protocols=OpenFlow13
    make_ns c
    make_ns d
    for x in c d; do
        ip link add "of$id$x" type veth peer name eth0 netns "$(ns_name $x)"
        ip link set "of$id$x" up
    done
    in_ns c ip link set eth0 address 02:00:00:00:03:01
    in_ns d ip link set eth0 address 02:00:00:00:03:02
    for x in c d; do in_ns $x ip link set eth0 up; done
    in_ns c ip addr add 10.201.3.1/24 dev eth0
    in_ns d ip addr add 10.201.3.2/24 dev eth0
    vsctl add-port "$obr" "of${id}c" -- set interface "of${id}c" ofport_request=1
    vsctl add-port "$obr" "of${id}d" -- set interface "of${id}d" ofport_request=2
    for _ in $(seq 100); do [ -S "$work/ovs/$obr.mgmt" ] && break; sleep 0.05; done
    ofctl_suite OVS "$work/ovs/$obr.mgmt" "of${id}c" c 02:00:00:00:03:01 10.201.3.1 d 02:00:00:00:03:02 10.201.3.2
    stop_ovs
fi
echo "PASS"
