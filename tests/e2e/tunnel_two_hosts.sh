#!/usr/bin/env bash
# Two Switchyard hosts: namespaces "ha" and "hb", each running its own daemon (own --dir),
# joined by an underlay veth, with a container on each ("c1" behind ha, "c2" behind hb).
# VXLAN: ping, HTTP download (SHA-256), iperf3 across, 0 checksum errors; the daemon of ha is
# killed and started again: it restores its ports and traffic resumes. Geneve: the same hosts
# over Geneve; the underlay capture is checked by tshark and scapy (header fields, VNI,
# protocol, outer UDP checksum) and the inner TCP checksums by tshark.
# Usage: tunnel_two_hosts.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"
source "$(dirname "$0")/tunnel_lib.sh"

for n in ha hb c1 c2; do make_ns $n; done
underlay ha 172.31.251.1/24 hb 172.31.251.2/24
# ha's end of the underlay finishes checksums in software, as a NIC does before the wire, so
# the capture shows the outer UDP checksums ha sends (a veth with TX checksumming on carries
# them unfinished to its peer, which trusts them; docs/tunnels.md).
in_ns ha ethtool -K u0 tx off >/dev/null
dir_a=$work/ha dir_b=$work/hb
start_host_daemon ha "$dir_a"; pid_a=$last_daemon_pid
start_host_daemon hb "$dir_b"
sya() { SWITCHYARD_DIR=$dir_a "$sy_bin" "$@"; }
syb() { SWITCHYARD_DIR=$dir_b "$sy_bin" "$@"; }
sya add-br br0 >/dev/null && syb add-br br0 >/dev/null || fail "add-br"
sya attach br0 "$(ns_name c1)" --ip 10.245.0.1/24 --mtu 1450 >/dev/null || fail "attach c1"
syb attach br0 "$(ns_name c2)" --ip 10.245.0.2/24 --mtu 1450 >/dev/null || fail "attach c2"
sya add-port br0 vx0 --type vxlan --remote 172.31.251.2 --key 7 --csum >/dev/null || fail "add-port ha"
syb add-port br0 vx0 --type vxlan --remote 172.31.251.1 --key 7 --csum >/dev/null || fail "add-port hb"
offloads_on c1; offloads_on c2

in_ns c1 ping -c 3 -i 0.2 -W 2 10.245.0.2 >/dev/null || fail "ping c1->c2"
sha=$(make_file big.bin 16)
http_server c2 10.245.0.2
download c1 http://10.245.0.2:8080/big.bin "$sha"
in_ns c2 iperf3 -s -1 -B 10.245.0.2 >/dev/null 2>&1 &
sleep 0.5
in_ns c1 iperf3 -c 10.245.0.2 -t 2 -J >"$work/iperf.json" || fail "iperf3 c1->c2"
gbps=$(/usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(round(d['end']['sum_received']['bits_per_second']/1e9, 2), 'Gbit/s, retransmits', d['end']['sum_sent'].get('retransmits'))" "$work/iperf.json")
for d in "$dir_a" "$dir_b"; do SWITCHYARD_DIR=$d "$sy_bin" stats --json | /usr/bin/python3 -c "
import json, sys
for b in json.load(sys.stdin)['bridges']:
    for p in b['ports']:
        print(' ', p['name'], 'rx', p['rx_packets'], 'tx', p['tx_packets'], 'segmented', p['gso_segmented'], 'drops', p['drops'])"; done
for c in c1 c2; do [ "$(csum_errors $c)" = 0 ] || fail "TcpInCsumErrors in $c"; done
# hb's tunnel port rebuilt TCP super-frames from c1's segments (software GRO), and c2's kernel
# found no checksum error in them (above): the verified mark it handed on was earned.
gro=$(syb stats --json | /usr/bin/python3 -c "
import json, sys
for b in json.load(sys.stdin)['bridges']:
    for p in b['ports']:
        if p['name'] == 'vx0': print(p['driver'].get('rx_gro_super_frames', 0), p['driver'].get('rx_gro_merged_segments', 0))")
[ "${gro%% *}" -gt 0 ] 2>/dev/null || fail "hb's vx0 rebuilt no TCP super-frame (rx_gro: $gro)"
echo "vxlan: ping, 16 MiB download, iperf3 $gbps (c1->c2, 2 s), 0 checksum errors, GRO super-frames/segments at hb: $gro"

# Kill ha's daemon; start it again on the same state: its ports come back, traffic resumes.
kill -KILL "$pid_a"; wait "$pid_a" 2>/dev/null || true
in_ns c1 ping -c 1 -W 1 10.245.0.2 >/dev/null 2>&1 && fail "traffic passed with ha's daemon dead"
start_host_daemon ha "$dir_a"; pid_a=$last_daemon_pid
sya show | grep -q "vx0 .*up.*vxlan key 7 remote 172.31.251.2" || fail "vx0 not restored: $(sya show)"
in_ns c1 ping -c 3 -i 0.2 -W 2 10.245.0.2 >/dev/null || fail "ping after restart"
download c1 http://10.245.0.2:8080/big.bin "$sha"
echo "restart: ports restored, traffic resumed"

# Geneve between the same hosts, the underlay captured and judged by tshark and scapy.
sya del-port br0 vx0 >/dev/null && syb del-port br0 vx0 >/dev/null || fail "del-port vx0"
sya add-port br0 gn0 --type geneve --remote 172.31.251.2 --key 0x123456 --csum >/dev/null || fail "geneve ha"
syb add-port br0 gn0 --type geneve --remote 172.31.251.1 --key 0x123456 >/dev/null || fail "geneve hb"
ip netns exec "$(ns_name ha)" tcpdump -i u0 -w "$work/geneve.pcap" udp port 6081 2>/dev/null &
dump=$!
sleep 0.5
in_ns c1 ping -c 3 -i 0.2 -W 2 10.245.0.2 >/dev/null || fail "geneve ping"
echo small >"$work/www/small.txt"
got=$(in_ns c1 curl -sS --max-time 10 http://10.245.0.2:8080/small.txt) || fail "geneve HTTP"
[ "$got" = small ] || fail "geneve HTTP body '$got'"
sha_mid=$(make_file mid.bin 1)
download c1 http://10.245.0.2:8080/mid.bin "$sha_mid"
sleep 0.3; kill -INT $dump; wait $dump 2>/dev/null || true
for c in c1 c2; do [ "$(csum_errors $c)" = 0 ] || fail "TcpInCsumErrors in $c (geneve)"; done
# tshark: every datagram is Geneve v0, VNI 0x123456, Ethernet inside; ha -> hb has a correct
# outer UDP checksum (--csum), hb -> ha zero; every inner TCP checksum is correct.
tshark -r "$work/geneve.pcap" -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
    -d udp.port==6081,geneve -T fields -E separator=, -E occurrence=f \
    -e ip.src -e geneve.version -e geneve.vni -e geneve.proto_type -e geneve.options \
    -e udp.checksum -e udp.checksum.status -e tcp.checksum.status >"$work/geneve.csv" 2>"$work/tshark.err" ||
    fail "tshark: $(cat "$work/tshark.err")"
/usr/bin/python3 - "$work/geneve.csv" <<'PY' || fail "tshark oracle: $(head -5 "$work/geneve.csv")"
import sys
rows = [l.rstrip("\n").split(",") for l in open(sys.argv[1]) if l.strip()]
assert len(rows) >= 20, len(rows)
tcp = 0
for src, ver, vni, proto, optlen, csum, csum_status, tcp_status in rows:
    assert ver == "0" and int(vni, 0) == 0x123456 and int(proto, 0) == 0x6558 and optlen == "", (ver, vni, proto, optlen)
    if src == "172.31.251.1":
        assert csum_status == "1" or csum_status == "Good", ("outer checksum", csum, csum_status)
    else:
        assert int(csum, 0) == 0, ("zero outer checksum expected", csum)
    if tcp_status:
        tcp += 1
        assert tcp_status in ("1", "Good"), ("inner TCP checksum", tcp_status)
assert tcp > 10, tcp
print(f"tshark: {len(rows)} Geneve datagrams, {tcp} inner TCP segments, all checksums right")
PY
# scapy: an independent parse of the same capture, recomputing the outer UDP checksum.
/usr/bin/python3 - "$work/geneve.pcap" <<'PY' || fail "scapy oracle"
import sys
from scapy.all import rdpcap, IP, UDP, raw
from scapy.contrib.geneve import GENEVE
pkts = rdpcap(sys.argv[1])
n = 0
for p in pkts:
    if UDP not in p or p[UDP].dport != 6081:
        continue
    g = GENEVE(raw(p[UDP].payload))
    assert g.version == 0 and g.vni == 0x123456 and g.proto == 0x6558 and g.optionlen == 0, g.summary()
    if p[IP].src == "172.31.251.1":
        sent = p[UDP].chksum
        q = p[IP].copy(); q[UDP].chksum = None
        assert sent != 0 and IP(raw(q))[UDP].chksum == sent, ("bad outer checksum", hex(sent))
    else:
        assert p[UDP].chksum == 0
    n += 1
assert n >= 20, n
print(f"scapy: {n} Geneve datagrams parsed, outer checksums recomputed and equal")
PY
echo "geneve: ping, HTTP, tshark and scapy agree on the underlay"

# VXLAN over an IPv6 underlay: the inner MTU is 20 bytes smaller, the outer UDP checksum is
# always there (receivers drop zero-checksum IPv6 by default).
sya del-port br0 gn0 >/dev/null && syb del-port br0 gn0 >/dev/null || fail "del-port gn0"
in_ns ha ip addr add fd00:5e::1/64 dev u0 nodad
in_ns hb ip addr add fd00:5e::2/64 dev u0 nodad
sya add-port br0 vx6 --type vxlan --remote fd00:5e::2 --local fd00:5e::1 --key 9 >/dev/null || fail "vxlan6 ha"
syb add-port br0 vx6 --type vxlan --remote fd00:5e::1 --key 9 >/dev/null || fail "vxlan6 hb"
sya show | grep -q "vx6 .*inner MTU 1430 (underlay 1500)" || fail "IPv6 inner MTU: $(sya show)"
in_ns c1 ip link set eth0 mtu 1430
in_ns c2 ip link set eth0 mtu 1430
in_ns c1 ping -c 3 -i 0.2 -W 2 10.245.0.2 >/dev/null || fail "ping over IPv6 underlay"
download c1 http://10.245.0.2:8080/big.bin "$sha"
for c in c1 c2; do [ "$(csum_errors $c)" = 0 ] || fail "TcpInCsumErrors in $c (IPv6 underlay)"; done
in_ns hb awk '$1 == "Udp6InCsumErrors" && $2 != 0 { exit 1 }' /proc/net/snmp6 || fail "Udp6InCsumErrors in hb"
echo "vxlan over IPv6: ping, 16 MiB download, 0 checksum errors"
echo "PASS"
