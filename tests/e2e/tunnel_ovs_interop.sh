#!/usr/bin/env bash
# Switchyard against Open vSwitch's userspace tunnels, a real peer of another implementation:
# host "ha" runs a Switchyard daemon (container c1, offloads on), host "hb" a private OVS 3.1
# (its own ovsdb-server, ovs-vswitchd, database, sockets and pid files in the test directory;
# netdev datapath; br-phy carries the underlay veth and hb's underlay address, br-int the
# container c2 and the tunnel port). Geneve, then VXLAN: ping, TCP downloads both ways with
# SHA-256 equal, 0 checksum errors in both containers, OVS's tunnel push dropped nothing, and
# the underlay capture judged by tshark (header fields, VNI, outer and inner checksums).
# c2 has TX checksum offload off: OVS 3.1 cannot tunnel a partial checksum (docs/tunnels.md).
# Usage: tunnel_ovs_interop.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"
for tool in ovsdb-tool ovsdb-server ovs-vswitchd ovs-vsctl ovs-appctl; do
    command -v $tool >/dev/null || { echo "SKIP: no $tool (package openvswitch-switch)"; exit 0; }
done
source "$(dirname "$0")/tunnel_lib.sh"

ovs=$work/ovs
ovs_pids=()
ovs_cleanup() {  # OVS stopped by the PIDs its pid files name, before the namespaces go
    set +e
    for pid in "${ovs_pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${ovs_pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    done
    tn_cleanup
}
trap ovs_cleanup EXIT
ovs_env() { OVS_RUNDIR=$ovs OVS_LOGDIR=$ovs OVS_DBDIR=$ovs OVS_SYSCONFDIR=$ovs "$@"; }
vsctl() { ovs_env ovs-vsctl --db="unix:$ovs/db.sock" --timeout=15 "$@"; }
appctl() { ovs_env ovs-appctl -t "$ovs/ovs-vswitchd.ctl" "$@"; }
ovs_daemon() {  # ovs_daemon PROGRAM ARGS...: detached inside hb, pid file in $ovs
    local p=$1; shift
    ovs_env ip netns exec "$(ns_name hb)" "$p" "$@" --pidfile="$ovs/$p.pid" --unixctl="$ovs/$p.ctl" \
        -vconsole:off --log-file="$ovs/$p.log" --detach --no-chdir || fail "$p did not start"
    ovs_pids+=("$(cat "$ovs/$p.pid")")
}

for n in ha hb c1 c2; do make_ns $n; done
underlay ha 172.31.250.1/24 hb 172.31.250.2/24
# ha's end of the underlay finishes checksums in software, as a NIC does before the wire, so
# the capture shows the outer UDP checksums ha sends (docs/tunnels.md).
in_ns ha ethtool -K u0 tx off >/dev/null

# Host ha: Switchyard.
dir_a=$work/ha
start_host_daemon ha "$dir_a"
sya() { SWITCHYARD_DIR=$dir_a "$sy_bin" "$@"; }
sya add-br br0 >/dev/null || fail "add-br"
sya attach br0 "$(ns_name c1)" --ip 10.244.0.1/24 --mtu 1450 >/dev/null || fail "attach c1"
offloads_on c1

# Host hb: OVS userspace tunnelling; the underlay address moves from u0 to br-phy.
mkdir -p "$ovs"
ovs_env ovsdb-tool create "$ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovs_daemon ovsdb-server "$ovs/conf.db" --remote="punix:$ovs/db.sock"
vsctl --no-wait init
ovs_daemon ovs-vswitchd "unix:$ovs/db.sock"
in_ns hb ip addr flush dev u0
vsctl add-br br-phy -- set bridge br-phy datapath_type=netdev -- add-port br-phy u0
in_ns hb ip addr add 172.31.250.2/24 dev br-phy
in_ns hb ip link set br-phy up
ip link add c0 netns "$(ns_name hb)" type veth peer name eth0 netns "$(ns_name c2)"
in_ns hb ip link set c0 up
in_ns c2 ip addr add 10.244.0.2/24 dev eth0
in_ns c2 ip link set eth0 mtu 1450 up
in_ns c2 ethtool -K eth0 tx off >/dev/null
vsctl add-br br-int -- set bridge br-int datapath_type=netdev -- add-port br-int c0

sha_a=$(make_file from-c1.bin 4)
sha_b=$(make_file from-c2.bin 4)
http_server c1 10.244.0.1
http_server c2 10.244.0.2

# check_tunnel NAME PORT DISSECTOR VNI OVS_CSUM: ping, downloads both ways, 0 checksum
# errors, no drops in OVS's tunnel push, and tshark over the underlay capture: every datagram
# has the VNI; ha -> hb a correct outer UDP checksum (Switchyard --csum), hb -> ha a correct
# one if OVS_CSUM is 1 (options:csum=true), else zero; every inner TCP checksum correct.
check_tunnel() {
    local name=$1 port=$2 dissector=$3 vni=$4 ovs_csum=$5
    ip netns exec "$(ns_name ha)" tcpdump -i u0 -w "$work/$name.pcap" udp port "$port" 2>/dev/null &
    local dump=$!
    sleep 0.5
    in_ns c1 ping -c 3 -i 0.2 -W 2 10.244.0.2 >/dev/null || fail "$name: ping c1 -> c2"
    download c1 http://10.244.0.2:8080/from-c2.bin "$sha_b"
    download c2 http://10.244.0.1:8080/from-c1.bin "$sha_a"
    sleep 0.3; kill -INT $dump; wait $dump 2>/dev/null || true
    for c in c1 c2; do [ "$(csum_errors $c)" = 0 ] || fail "$name: TcpInCsumErrors in $c"; done
    appctl coverage/read-counter netdev_push_header_drops | grep -qx 0 ||
        fail "$name: OVS dropped packets at tunnel push: $(appctl coverage/read-counter netdev_push_header_drops)"
    tshark -r "$work/$name.pcap" -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
        -d "udp.port==$port,$dissector" -T fields -E separator=, -E occurrence=f \
        -e ip.src -e "$dissector.vni" -e udp.checksum -e udp.checksum.status -e tcp.checksum.status \
        >"$work/$name.csv" 2>"$work/tshark.err" || fail "tshark: $(cat "$work/tshark.err")"
    /usr/bin/python3 - "$work/$name.csv" "$vni" "$ovs_csum" <<'PY' || fail "$name: tshark oracle: $(head -5 "$work/$name.csv")"
import sys
rows = [l.rstrip("\n").split(",") for l in open(sys.argv[1]) if l.strip()]
want = int(sys.argv[2], 0)
ovs_csum = sys.argv[3] == "1"
seen = {"172.31.250.1": 0, "172.31.250.2": 0}
tcp = 0
for src, vni, csum, csum_status, tcp_status in rows:
    assert int(vni, 0) == want, ("VNI", vni)
    seen[src] += 1
    if src == "172.31.250.1" or ovs_csum:
        assert int(csum, 0) != 0 and csum_status in ("1", "Good"), ("outer checksum", src, csum, csum_status)
    else:
        assert int(csum, 0) == 0, ("zero outer checksum expected from OVS", csum)
    if tcp_status:
        tcp += 1
        assert tcp_status in ("1", "Good"), ("inner TCP checksum", src, tcp_status)
assert min(seen.values()) >= 1000 and tcp >= 2000, (seen, tcp)
print(f"tshark: {len(rows)} datagrams ({seen}), {tcp} inner TCP segments, all checksums right")
PY
    echo "$name: ping, 4 MiB downloads both ways (SHA-256 equal), 0 checksum errors"
}

# Geneve (OVS's option key is the VNI).
sya add-port br0 gn0 --type geneve --remote 172.31.250.2 --key 0x123456 --csum >/dev/null || fail "geneve ha"
vsctl add-port br-int t0 -- set interface t0 type=geneve options:remote_ip=172.31.250.1 \
    options:key=1193046
check_tunnel geneve 6081 geneve 0x123456 0

# VXLAN between the same hosts, OVS now with an outer UDP checksum (Switchyard verifies it).
sya del-port br0 gn0 >/dev/null || fail "del-port gn0"
vsctl del-port br-int t0
sya add-port br0 vx0 --type vxlan --remote 172.31.250.2 --key 42 --csum >/dev/null || fail "vxlan ha"
vsctl add-port br-int t0 -- set interface t0 type=vxlan options:remote_ip=172.31.250.1 options:key=42 \
    options:csum=true
check_tunnel vxlan 4789 vxlan 42 1
echo "PASS"
