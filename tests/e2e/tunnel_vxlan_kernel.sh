#!/usr/bin/env bash
# Switchyard's VXLAN port against the Linux kernel's vxlan device as the other side.
# Host "hs" runs a Switchyard daemon (its own namespace and --dir) with container "ca"
# attached and a VXLAN port (VNI 42) towards host "hr"; "hr" has the kernel's vxlan device on
# a Linux bridge with container "cb" behind it. Both ways: ping, TCP downloads of random files
# whose SHA-256 must match, 0 TcpInCsumErrors in the containers and 0 UdpInCsumErrors on the
# hosts, offloads (TX checksum, TSO) on in both containers; with the outer UDP checksum off
# (the IPv4 default of both) and on. Then: a datagram with a bad outer checksum is dropped
# and counted, one with the wrong VNI too, and `show` reports the inner MTU.
# Usage: tunnel_vxlan_kernel.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"
source "$(dirname "$0")/tunnel_lib.sh"

for n in hs hr ca cb; do make_ns $n; done
underlay hs 172.31.250.1/24 hr 172.31.250.2/24
# The underlay veth stands in for a wire: like a NIC, hr's end finishes partial checksums
# before "the wire". With TX checksumming on, a veth hands the kernel vxlan's frames to hs's
# stack with the inner TCP checksum still unfinished (CHECKSUM_PARTIAL), and a UDP socket
# delivers those bytes as they are: any userspace VTEP would see the pseudo-header seed
# (docs/tunnels.md, "Underlays made of veth").
in_ns hr ethtool -K u0 tx off >/dev/null
export SWITCHYARD_DIR=$work/hs
start_host_daemon hs "$SWITCHYARD_DIR"
daemon_pid=$last_daemon_pid
sy add-br br0 >/dev/null || fail "add-br"
sy attach br0 "$(ns_name ca)" --ip 10.244.0.1/24 --mtu 1450 --mac 02:00:00:00:0a:01 >/dev/null || fail "attach ca"

# The remote host: kernel vxlan + Linux bridge + container cb.
in_ns hr ip link add brr type bridge
in_ns hr ip link set brr up
ip link add cb0 netns "$(ns_name hr)" type veth peer name eth0 netns "$(ns_name cb)"
in_ns hr ip link set cb0 master brr up
in_ns cb ip link set eth0 address 02:00:00:00:0b:01 mtu 1450 up
in_ns cb ip addr add 10.244.0.2/24 dev eth0
offloads_on ca
offloads_on cb

sha_a=$(make_file from-a.bin 24)
cp "$work/www/from-a.bin" "$work/www/from-b.bin"; sha_b=$sha_a
http_server ca 10.244.0.1
http_server cb 10.244.0.2

round() {  # round off|on
    local kcsum=noudpcsum sycsum=
    [ "$1" = on ] && { kcsum=udpcsum; sycsum=--csum; }
    in_ns hr ip link add vx42 type vxlan id 42 remote 172.31.250.1 local 172.31.250.2 dstport 4789 $kcsum
    in_ns hr ip link set vx42 master brr up
    sy add-port br0 vx0 --type vxlan --remote 172.31.250.2 --local 172.31.250.1 --key 42 $sycsum \
        >/dev/null || fail "add-port vx0 ($1)"
    in_ns ca ping -c 3 -i 0.2 -W 2 10.244.0.2 >/dev/null || fail "ping ca->cb (csum $1)"
    in_ns cb ping -c 3 -i 0.2 -W 2 10.244.0.1 >/dev/null || fail "ping cb->ca (csum $1)"
    download ca http://10.244.0.2:8080/from-b.bin "$sha_b"
    download cb http://10.244.0.1:8080/from-a.bin "$sha_a"
    for c in ca cb; do [ "$(csum_errors $c)" = 0 ] || fail "TcpInCsumErrors in $c (csum $1)"; done
    for h in hs hr; do [ "$(udp_csum_errors $h)" = 0 ] || fail "UdpInCsumErrors in $h (csum $1)"; done
    echo "outer checksum $1: ping, 24 MiB both ways, SHA-256 match, 0 checksum errors"
    # The outer checksum is what was asked for, on the wire.
    in_ns hs tcpdump -i u0 -c 4 -nn -vv udp port 4789 >"$work/wire-$1.txt" 2>/dev/null &
    local dump=$!
    sleep 0.3
    in_ns ca ping -c 2 -i 0.2 -W 2 10.244.0.2 >/dev/null
    wait $dump
    if [ "$1" = off ]; then
        grep -q "\[no cksum\]" "$work/wire-$1.txt" || fail "outer UDP checksum not zero: $(cat "$work/wire-$1.txt")"
    else
        grep -q "\[no cksum\]" "$work/wire-$1.txt" && fail "outer UDP checksum zero with csum on"
        grep -q "\[udp sum ok\]" "$work/wire-$1.txt" || fail "outer UDP checksum not verified: $(cat "$work/wire-$1.txt")"
    fi
    sy del-port br0 vx0 >/dev/null || fail "del-port vx0"
    in_ns hr ip link del vx42
}
round off
round on

# Bad outer checksum and a foreign VNI, sent by scapy from hr: dropped, counted, not delivered.
sy add-port br0 vx0 --type vxlan --remote 172.31.250.2 --local 172.31.250.1 --key 42 >/dev/null || fail "add-port vx0"
sy show | grep -q "vx0 .*inner MTU 1450 (underlay 1500)" || fail "show lacks the inner MTU: $(sy show)"
in_ns hr /usr/bin/python3 - <<'PY' || fail "scapy"
from scapy.all import Ether, IP, UDP, ICMP, sendp, conf
from scapy.layers.vxlan import VXLAN
conf.verb = 0
inner = Ether(src="02:00:00:00:0b:99", dst="ff:ff:ff:ff:ff:ff")/IP(src="10.244.0.99", dst="10.244.0.1")/ICMP()
mac = open("/sys/class/net/u0/address").read().strip()
outer = Ether(src=mac, dst="ff:ff:ff:ff:ff:ff")/IP(src="172.31.250.2", dst="172.31.250.1")
sendp(outer/UDP(sport=40000, dport=4789, chksum=0x1234)/VXLAN(vni=42, flags=0x08)/inner, iface="u0", count=3)
sendp(outer/UDP(sport=40000, dport=4789)/VXLAN(vni=43, flags=0x08)/inner, iface="u0", count=2)
PY
sleep 0.3
[ "$(udp_csum_errors hs)" = 3 ] || fail "the host stack did not count 3 bad outer checksums"
sy stats --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
p = [p for b in d['bridges'] for p in b['ports'] if p['name'] == 'vx0'][0]
assert p['drops'].get('rx_tunnel_bad_outer_csum') == 3, p['drops']
assert p['drops'].get('rx_tunnel_wrong_vni') == 2, p['drops']
assert p['rx_packets'] == 0, p
" || fail "bad datagrams not counted: $(sy stats --json)"
sy fdb br0 | grep -q "02:00:00:00:0b:99" && fail "a dropped datagram's MAC was learned"
echo "bad outer checksum and wrong VNI: dropped and counted"

# Bad input: precise error, exit 2, nothing changes.
before=$(sy show --json)
rc=0; sy add-port br0 vx1 --type vxlan --remote 300.1.1.1 --key 42 2>"$work/err" || rc=$?
[ $rc = 2 ] && grep -q "remote '300.1.1.1'" "$work/err" || fail "bad remote: rc $rc, $(cat "$work/err")"
rc=0; sy add-port br0 vx1 --type vxlan --remote 172.31.250.2 --key 99999999 2>"$work/err" || rc=$?
[ $rc = 2 ] && grep -q "99999999" "$work/err" || fail "bad key: rc $rc, $(cat "$work/err")"
rc=0; sy add-port br0 vx1 --remote 172.31.250.2 2>"$work/err" || rc=$?
[ $rc = 2 ] && grep -q "tunnel ports" "$work/err" || fail "tunnel option without type: rc $rc, $(cat "$work/err")"
sy add-port br0 vx1 --type vxlan --remote 172.31.250.2 --local 172.31.250.1 2>"$work/err" && fail "second socket on 4789 accepted"
grep -q "already in use" "$work/err" || fail "port clash error: $(cat "$work/err")"
[ "$(sy show --json)" = "$before" ] || fail "a failed add-port changed the configuration"
daemon_alive || fail "daemon died"
echo "PASS"
