#!/bin/bash
# vhost-user ports (docs/dpdk.md) with dpdk-testpmd as the virtio-user peer, no hugepages, two
# cores: testpmd's two virtio-user ports sit on the switch's vhost-user ports va and vb; its
# csum engine forwards what it receives on one out of the other, checking checksums. testpmd
# must receive through the switch with no bad checksum, and the switch's driver counters show
# the vhost ports' traffic, the guest's mbufs passed on without a copy.
# Usage: switch_dpdk_vhost.sh SWITCHYARD_BIN
here=$(cd "$(dirname "$0")" && pwd)
source "$here/switch_lib.sh" "$1"
command -v dpdk-testpmd >/dev/null || { echo "SKIP: no dpdk-testpmd (package dpdk-dev)"; exit 0; }
tp_pids=()
stop_testpmds() {
    for p in "${tp_pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
    for p in "${tp_pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    tp_pids=()
}
trap 'stop_testpmds; cleanup; rm -rf /var/run/dpdk/sy-dp-$id /var/run/dpdk/sy-dp-$id-tp' EXIT

start_daemon --dpdk --dpdk-args "--no-huge -m 256 --no-pci -l 0 --file-prefix=sy-dp-$id --no-telemetry"
sy add-br br0 >/dev/null
sy add-port br0 va --type dpdkvhostuser --socket "$work/va.sock" >/dev/null || fail "add va"
sy add-port br0 vb --type dpdkvhostuser --socket "$work/vb.sock" >/dev/null || fail "add vb"
[ -S "$work/va.sock" ] && [ -S "$work/vb.sock" ] || fail "vhost-user sockets not created"
sy show --json | grep -q '"dpdkvhostuser"' || fail "show does not say dpdkvhostuser"
# One testpmd, two virtio-user ports (one per vhost-user socket), the csum forwarding engine:
# --tx-first sends a burst on each port, then every packet received on one port is checked
# (checksum counters) and sent out of the other, so traffic circulates through the switch.
# Two busy threads on two cores: testpmd's forwarding lcore and the switch's poll thread.
dpdk-testpmd -l 0,1 --no-huge -m 512 --no-pci --file-prefix "sy-dp-$id-tp" \
    --vdev "net_virtio_user0,path=$work/va.sock,queues=1" \
    --vdev "net_virtio_user1,path=$work/vb.sock,queues=1" -- --total-num-mbufs=16384 \
    --forward-mode=csum --tx-first --txpkts=64 --stats-period 1 --auto-start \
    >"$work/testpmd.log" 2>&1 </dev/null &
tp_pids+=($!)
sleep 5
sy stats --json >"$work/stats.json"
stop_testpmds
/usr/bin/python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
for p in (p for b in s["bridges"] for p in b["ports"]):
    print("switch:", p["name"], "rx", p["rx_packets"], "tx", p["tx_packets"], "drops", p["drops"])
' "$work/stats.json"
# testpmd's final forward statistics, per port: RX-packets, and the csum engine's counters.
grep -E "Forward statistics for port|RX-packets|Bad-ipcsum|Bad-l4csum" "$work/testpmd.log" | tail -8
rx=$(grep -A1 "Forward statistics for port 1" "$work/testpmd.log" | grep -o "RX-packets: *[0-9]*" | tail -1 | grep -o "[0-9]*$")
bad=$(grep -E "Bad-l4csum: *[0-9]+" "$work/testpmd.log" | tail -2 | grep -oE "Bad-l4csum: *[0-9]+" | grep -oE "[0-9]+$" | sort -n | tail -1)
echo "testpmd port 1 received ${rx:-?}, bad L4 checksums ${bad:-?}"
[ -n "$rx" ] && [ "$rx" -gt 100 ] || fail "testpmd received ${rx:-nothing} on port 1: $(grep -v VHOST "$work/testpmd.log" | tail -30)"
[ "${bad:-0}" = 0 ] || fail "testpmd counted $bad bad L4 checksums"
/usr/bin/python3 - "$work/stats.json" <<'PY' || fail "vhost stats: $(cat "$work/stats.json")"
import json, sys
s = json.load(open(sys.argv[1]))
ports = {p["name"]: p for b in s["bridges"] for p in b["ports"]}
va, vb = ports["va"], ports["vb"]
assert va["rx_packets"] > 100 and vb["tx_packets"] > 100, (va, vb)
assert va["driver"]["ipackets"] > 100, va                # the vhost PMD's own counters
assert vb["driver"]["sy_tx_zero_copy"] > 100, vb         # the guest's mbuf went on as is
PY
echo "PASS: vhost-user <-> testpmd csum engine through the switch, $rx packets, 0 bad checksums"
