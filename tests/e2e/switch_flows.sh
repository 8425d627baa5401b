#!/usr/bin/env bash
# Flows end to end, containers with default offloads (TX checksum, TSO) ON:
#  1. an ACL drop flow stops a->b and nothing else, and its counter counts the drops;
#  2. a service IP: the client connects to VIP:80, flows rewrite nw_dst/tp_dst to the backend
#     (and the replies back); a 16 MiB download arrives with the right SHA-256 and no end counts
#     a TCP checksum error (the rewrites keep partial checksums right);
#  3. VLAN push/pop: an untagged container and a trunk (to a second bridge where VLAN 10 is an
#     access container) reach each other only through push_vlan/pop_vlan flows; TCP too;
#  4. replace-flows under traffic: a running TCP transfer survives 20 atomic replacements;
#  5. flows persist across a daemon restart; a malformed flow is refused with the token, exit 2,
#     and changes nothing.
# Usage: switch_flows.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"

start_daemon
sy add-br br0 >/dev/null || fail "add-br"
port_of() {  # port_of OUTPUT_OF_ATTACH: the host port's name
    echo "$1" | sed -n 's/.*port \(sy[0-9a-f]*\) .*/\1/p'
}
for n in a b c; do make_ns $n; done
pa=$(port_of "$(sy attach br0 "$(ns_name a)" --ip 10.200.7.1/24 --mac 02:00:00:07:00:01)") || fail "attach a"
pb=$(port_of "$(sy attach br0 "$(ns_name b)" --ip 10.200.7.2/24 --mac 02:00:00:07:00:02)") || fail "attach b"
pc=$(port_of "$(sy attach br0 "$(ns_name c)" --ip 10.200.7.3/24 --mac 02:00:00:07:00:03)") || fail "attach c"
[ -n "$pa" ] && [ -n "$pb" ] && [ -n "$pc" ] || fail "port names '$pa' '$pb' '$pc'"
offloads_on a
offloads_on b
in_ns a ping -c 1 -W 2 10.200.7.2 >/dev/null || fail "ping a->b before any flow"

# --- 1. ACL
sy add-flow br0 "priority=100,ip,nw_src=10.200.7.1,nw_dst=10.200.7.2,actions=drop" || fail "add-flow acl"
sy add-flow br0 "priority=0,actions=NORMAL" || fail "add-flow normal"
in_ns a ping -c 3 -i 0.2 -W 1 10.200.7.2 >/dev/null && fail "ACL did not drop a->b"
in_ns a ping -c 2 -i 0.2 -W 2 10.200.7.3 >/dev/null || fail "ACL dropped a->c"
in_ns b ping -c 2 -i 0.2 -W 2 10.200.7.3 >/dev/null || fail "ACL dropped b->c"
acl=$(sy dump-flows br0 | grep "nw_dst=10.200.7.2") || fail "dump-flows lacks the ACL"
echo "acl: $acl"
n=$(echo "$acl" | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p')
[ -n "$n" ] && [ "$n" -ge 3 ] || fail "ACL counter n_packets=$n, want >= 3"
sy del-flows br0 --strict "priority=100,ip,nw_src=10.200.7.1,nw_dst=10.200.7.2" || fail "del-flows --strict"
sy dump-flows br0 | grep -q "nw_dst=10.200.7.2" && fail "strict delete left the ACL"
in_ns a ping -c 1 -W 2 10.200.7.2 >/dev/null || fail "ping a->b after removing the ACL"
echo "acl ok"

# --- 2. service IP 10.200.7.100:80 -> backend b 10.200.7.2:8080
vip=10.200.7.100
# The client resolves the VIP to the backend's MAC (a service's ARP is not this test's subject).
in_ns a ip neigh replace $vip lladdr 02:00:00:07:00:02 dev eth0 nud permanent
cat >"$work/service.flows" <<EOF
priority=0,actions=NORMAL
priority=200,tcp,nw_dst=$vip,tp_dst=80,actions=mod_nw_dst:10.200.7.2,mod_tp_dst:8080,NORMAL
priority=200,tcp,nw_src=10.200.7.2,tp_src=8080,nw_dst=10.200.7.1,actions=mod_nw_src:$vip,mod_tp_src:80,NORMAL
EOF
sy replace-flows br0 "$work/service.flows" || fail "replace-flows service"
mkdir -p "$work/www"
head -c $((16 << 20)) /dev/urandom >"$work/www/blob"
want=$(sha256sum <"$work/www/blob" | cut -d' ' -f1)
http_server b 10.200.7.2
in_ns a curl -sS --max-time 30 -o "$work/got" "http://$vip:80/blob" || fail "download through the VIP"
got=$(sha256sum <"$work/got" | cut -d' ' -f1)
[ "$got" = "$want" ] || fail "SHA-256 through the VIP: $got, want $want"
[ "$(csum_errors a)" = 0 ] || fail "TcpInCsumErrors at the client: $(csum_errors a)"
[ "$(csum_errors b)" = 0 ] || fail "TcpInCsumErrors at the backend: $(csum_errors b)"
fwd=$(sy dump-flows br0 | grep "tp_dst=80" | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p')
[ -n "$fwd" ] && [ "$fwd" -gt 20 ] || fail "VIP flow n_packets=$fwd"
# The flow cache answered for nearly all of them: stats counts every classified packet once,
# at the level that answered; the first packets of each direction were translated.
cache=$(sy stats --json | /usr/bin/python3 -c '
import json, sys
c = json.load(sys.stdin)["bridges"][0]["flow_cache"]
print(c["signature_hits"] + c["exact_hits"] + c["megaflow_hits"], c["misses"])')
read -r cached translated <<<"$cache"
[ "$translated" -ge 1 ] && [ "$cached" -gt "$fwd" ] || fail "flow cache: $cached cached, $translated translated"
sy stats | grep -q "flow cache: [0-9]* packets found (" || fail "stats lacks the flow cache line: $(sy stats | head -3)"
echo "service ip ok: 16 MiB via $vip:80, sha256 match, 0 TcpInCsumErrors, $fwd packets rewritten, $cached found in the flow cache, $translated translated"

# --- 5a. a malformed flow: the token, exit 2, nothing changes
before=$(sy dump-flows br0 --no-stats)
rc=0; sy add-flow br0 "priority=10,tcp,tp_dst=99999,actions=drop" 2>"$work/err" || rc=$?
[ $rc = 2 ] || fail "malformed flow: exit $rc"
grep -q "99999" "$work/err" || fail "malformed flow: unclear error: $(cat "$work/err")"
[ "$(wc -l <"$work/err")" = 1 ] || fail "malformed flow: more than one line: $(cat "$work/err")"
printf 'priority=1,actions=drop\npriority=2,ip,nw_dst=10.0.0.0/8,actions=NORMAL\nbogus=1,actions=drop\n' >"$work/bad.flows"
rc=0; sy add-flows br0 "$work/bad.flows" 2>"$work/err" || rc=$?
[ $rc = 2 ] || fail "malformed flow file: exit $rc"
grep -q "bogus" "$work/err" || fail "malformed flow file: unclear error: $(cat "$work/err")"
[ "$(sy dump-flows br0 --no-stats)" = "$before" ] || fail "a refused flow file changed the flows"
echo "errors ok: $(cat "$work/err")"

# --- 5b. persistence
stop_daemon
mport=$(/usr/bin/python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
start_daemon --metrics "$mport"
[ "$(sy dump-flows br0 --no-stats)" = "$before" ] || fail "flows changed across a restart"
in_ns a curl -sS --max-time 10 -o /dev/null "http://$vip:80/index.html" || fail "VIP after restart"
echo "persistence ok"
# The flows' counters on the metrics endpoint (loopback).
curl -fsS "http://127.0.0.1:$mport/metrics" >"$work/metrics" || fail "metrics endpoint"
grep 'switchyard_flow_packets_total{' "$work/metrics" | grep 'tp_dst=80' | grep -q 'bridge="br0"' ||
    fail "no flow counter for the VIP flow: $(grep switchyard_flow "$work/metrics" | head -5)"
echo "flow metrics ok"

# --- 3. VLAN push/pop: d untagged on br0 (access); br0's flows tag its traffic with VLAN 10 onto
# a trunk veth to a second bridge br1, where e is an access port of VLAN 10. (This kernel has no
# 802.1Q devices, so the tagged side is a switch port.) br1 runs plain NORMAL with its VLAN policy.
trunk0=sytr$id; trunk1=sytr${id}b
ip link add "$trunk0" type veth peer name "$trunk1" || fail "trunk veth"
trap 'ip link del "$trunk0" 2>/dev/null; cleanup' EXIT
ip link set "$trunk0" up; ip link set "$trunk1" up
sy add-br br1 >/dev/null || fail "add-br br1"
sy add-port br0 "$trunk0" >/dev/null || fail "add-port br0 $trunk0"
sy add-port br1 "$trunk1" --trunk 10 >/dev/null || fail "add-port br1 $trunk1 --trunk 10"
for n in d e; do make_ns $n; done
pd=$(port_of "$(sy attach br0 "$(ns_name d)" --ip 10.200.8.1/24 --mac 02:00:00:08:00:01)") || fail "attach d"
sy attach br1 "$(ns_name e)" --ip 10.200.8.2/24 --mac 02:00:00:08:00:02 --vlan 10 >/dev/null || fail "attach e"
offloads_on d
offloads_on e
in_ns d ping -c 1 -W 1 10.200.8.2 >/dev/null && fail "d reached e without the push/pop flows"
sy add-flow br0 "priority=300,in_port=$pd,actions=push_vlan:0x8100,mod_vlan_vid:10,output:$trunk0" || fail "push flow"
sy add-flow br0 "priority=300,in_port=$trunk0,dl_vlan=10,actions=pop_vlan,output:$pd" || fail "pop flow"
in_ns d ping -c 3 -i 0.2 -W 2 10.200.8.2 >/dev/null || fail "ping access->trunk through push/pop"
head -c $((4 << 20)) /dev/urandom >"$work/www/vblob"
vwant=$(sha256sum <"$work/www/vblob" | cut -d' ' -f1)
in_ns e /usr/bin/python3 -m http.server 8081 --bind 10.200.8.2 --directory "$work/www" >/dev/null 2>&1 &
for _ in $(seq 100); do in_ns e ss -ltn | grep -q ":8081 " && break; sleep 0.1; done
in_ns d curl -sS --max-time 20 -o "$work/vgot" http://10.200.8.2:8081/vblob || fail "download across push/pop"
[ "$(sha256sum <"$work/vgot" | cut -d' ' -f1)" = "$vwant" ] || fail "SHA-256 across push/pop"
[ "$(csum_errors d)" = 0 ] && [ "$(csum_errors e)" = 0 ] || fail "checksum errors across push/pop"
pushes=$(sy dump-flows br0 | grep "push_vlan" | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p')
pops=$(sy dump-flows br0 | grep "pop_vlan" | sed -n 's/.*n_packets=\([0-9]*\).*/\1/p')
[ -n "$pushes" ] && [ "$pushes" -gt 10 ] && [ -n "$pops" ] && [ "$pops" -gt 10 ] ||
    fail "push/pop counters: $pushes $pops"
echo "vlan push/pop ok ($pushes packets tagged, $pops untagged)"

# --- 4. replace-flows under traffic: the same policy written anew 20 times, plus a changing ACL
in_ns c iperf3 -s -1 -B 10.200.7.3 >/dev/null 2>&1 &
sleep 0.5
in_ns b iperf3 -c 10.200.7.3 -t 4 -J >"$work/iperf.json" &
iperf=$!
sleep 0.5
for i in $(seq 20); do
    { cat "$work/service.flows"
      echo "priority=300,in_port=$pd,actions=push_vlan:0x8100,mod_vlan_vid:10,output:$trunk0"
      echo "priority=300,in_port=$trunk0,dl_vlan=10,actions=pop_vlan,output:$pd"
      echo "priority=50,udp,tp_dst=$((1000 + i)),actions=drop"; } >"$work/r.flows"
    sy replace-flows br0 "$work/r.flows" || fail "replace-flows round $i"
    sleep 0.1
done
wait $iperf || fail "iperf3 across replace-flows failed: $(tail -5 "$work/iperf.json")"
/usr/bin/python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert 'error' not in d, d.get('error')
assert d['end']['sum_received']['bytes'] > 10_000_000, d['end']['sum_received']['bytes']
" "$work/iperf.json" || fail "iperf3 result under replace-flows"
[ "$(sy dump-flows br0 --no-stats | wc -l)" = 6 ] || fail "after replace-flows: $(sy dump-flows br0 --no-stats)"
[ "$(csum_errors c)" = 0 ] || fail "checksum errors at c"
echo "replace-flows under traffic ok"

# trace explains the VIP rewrite
tr=$(sy trace br0 "in_port=$pa,tcp,dl_src=02:00:00:07:00:01,dl_dst=02:00:00:07:00:02,nw_src=10.200.7.1,nw_dst=$vip,tp_dst=80") ||
    fail "trace"
echo "$tr" | grep -q "mod_nw_dst" || fail "trace does not show the rewrite: $tr"
echo "$tr" | grep -q "$pb" || fail "trace does not name the egress port $pb: $tr"
echo "trace ok"
echo "PASS"
