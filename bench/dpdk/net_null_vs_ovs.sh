#!/bin/bash
# net_null -> net_null port-to-port forwarding, 64 B, Switchyard against OVS-DPDK on the same
# DPDK driver, alternating rounds in one run (docs/performance.md, "DPDK ports"). No hugepages.
# Each switch: one bridge, ports n0 (net_null0) and n1 (net_null1), flows in_port=n0 ->
# output:n1 and in_port=n1 -> drop; the rate is n1's transmitted packets over the window.
# Both switches forward on ONE poll thread on CPU 1 (Switchyard: EAL -l 1, which pins the
# daemon there; OVS: one PMD thread, pmd-cpu-mask=0x2).
# Usage: net_null_vs_ovs.sh SWITCHYARD_BIN [ROUNDS] [SECONDS]
set -eu
sy_bin=$1
rounds=${2:-3}
secs=${3:-5}
work=$(mktemp -d /tmp/sy-dp-bench.XXXXXX)
ovs_vswitchd=/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk
pids=()
cleanup() {
    set +e
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$p" 2>/dev/null
    done
    rm -rf "$work" /var/run/dpdk/sy-dp-bench-sy /var/run/dpdk/sy-dp-bench-ovs  # EAL runtime dirs
}
trap cleanup EXIT

sy() { SWITCHYARD_DIR=$work/sy "$sy_bin" "$@"; }
run_switchyard() {
    mkdir -p "$work/sy"
    SWITCHYARD_DIR=$work/sy "$sy_bin" daemon --dpdk-args \
        "--no-huge -m 256 --no-pci -l 1 --file-prefix=sy-dp-bench-sy --no-telemetry" \
        >"$work/sy.log" 2>&1 &
    local pid=$!
    pids+=("$pid")
    for _ in $(seq 100); do sy show >/dev/null 2>&1 && break; sleep 0.05; done
    sy add-br br0 >/dev/null
    sy add-port br0 n0 --type dpdk --devargs net_null0,size=64 >/dev/null
    sy add-port br0 n1 --type dpdk --devargs net_null1,size=64 >/dev/null
    sy add-flow br0 "in_port=1,actions=output:2" >/dev/null
    sy add-flow br0 "in_port=2,actions=drop" >/dev/null
    sleep 1
    local a b
    a=$(sy stats --json | /usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin); print([p for b in s["bridges"] for p in b["ports"] if p["name"]=="n1"][0]["tx_packets"])')
    sleep "$secs"
    b=$(sy stats --json | /usr/bin/python3 -c 'import json,sys; s=json.load(sys.stdin); print([p for b in s["bridges"] for p in b["ports"] if p["name"]=="n1"][0]["tx_packets"])')
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    rm -rf "$work/sy"
    echo "scale=2; ($b - $a) / $secs / 1000000" | bc
}

run_ovs() {
    local d=$work/ovs
    mkdir -p "$d"
    export OVS_RUNDIR=$d OVS_LOGDIR=$d OVS_DBDIR=$d
    ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server "$d/conf.db" --remote=punix:"$d/db.sock" --pidfile="$d/ovsdb.pid" \
        --unixctl="$d/ovsdb.ctl" --log-file="$d/ovsdb.log" --detach
    local vs="ovs-vsctl --db=unix:$d/db.sock --no-wait"
    $vs init
    $vs set Open_vSwitch . other_config:dpdk-init=true \
        "other_config:dpdk-extra=--no-huge --legacy-mem -m 1024 --no-pci --file-prefix=sy-dp-bench-ovs" \
        other_config:pmd-cpu-mask=0x2 other_config:dpdk-lcore-mask=0x1
    "$ovs_vswitchd" unix:"$d/db.sock" --pidfile="$d/vswitchd.pid" --unixctl="$d/vswitchd.ctl" \
        --log-file="$d/vswitchd.log" --detach
    vs="ovs-vsctl --db=unix:$d/db.sock --timeout=30"
    $vs add-br br0 -- set bridge br0 datapath_type=netdev
    $vs add-port br0 n0 -- set Interface n0 type=dpdk options:dpdk-devargs=net_null0,size=64 ofport_request=1
    $vs add-port br0 n1 -- set Interface n1 type=dpdk options:dpdk-devargs=net_null1,size=64 ofport_request=2
    local of="ovs-ofctl"
    local br="unix:$d/br0.mgmt"
    $of del-flows "$br"
    $of add-flow "$br" "in_port=1,actions=output:2"
    $of add-flow "$br" "in_port=2,actions=drop"
    sleep 1
    local a b
    a=$($of dump-ports "$br" 2 | awk '/tx pkts=/{sub(/.*tx pkts=/,""); sub(/,.*/,""); print}')
    sleep "$secs"
    b=$($of dump-ports "$br" 2 | awk '/tx pkts=/{sub(/.*tx pkts=/,""); sub(/,.*/,""); print}')
    ovs-appctl -t "$d/vswitchd.ctl" exit --cleanup >/dev/null 2>&1 || kill "$(cat "$d/vswitchd.pid")"
    ovs-appctl -t "$d/ovsdb.ctl" exit >/dev/null 2>&1 || kill "$(cat "$d/ovsdb.pid")"
    sleep 1
    rm -rf "$d"
    echo "scale=2; ($b - $a) / $secs / 1000000" | bc
}

echo "round switchyard_mpps ovs_dpdk_mpps"
for r in $(seq "$rounds"); do
    s=$(run_switchyard)
    o=$(run_ovs 2>"$work/ovs-err.log" || echo "failed: $(tail -3 "$work/ovs-err.log")")
    echo "$r $s $o"
done
