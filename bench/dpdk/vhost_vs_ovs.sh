#!/bin/bash
# vhost-user <-> vhost-user forwarding with dpdk-testpmd peers, Switchyard against OVS-DPDK on
# the same driver (DPDK's vhost library) and the same cores, alternating rounds in one run, at
# 64 B and 1500 B (docs/performance.md, "DPDK ports"; docs/dpdk.md). No hugepages.
#
# Each switch (vhost_lib.sh): one bridge, two vhost-user server ports va (port 1) and vb
# (port 2), flows in_port=1 -> output:2 and in_port=2 -> output:1. The peer is ONE testpmd
# with two virtio-user ports (one per socket) and the io engine: once both links are up,
# "start tx_first 8" puts 8 bursts of --burst packets into each port, then everything received
# on one port is sent out of the other, so packets circulate through the switch in both
# directions (checked: both ports must receive, else the bursts are injected again) and the
# switch's poll thread is the only other busy thread. Cores: the switch forwards on CPU 1
# (Switchyard: EAL -l 1, which pins the daemon and its poll thread there; OVS:
# pmd-cpu-mask=0x2, its other threads on CPU 0); both testpmd lcores sit on CPU 0. Two
# testpmd processes (txonly + rxonly) would put a third busy poller on two CPUs: see
# docs/dpdk.md, "Two testpmd processes".
#
# The rate is measured by the peer, the same way for both switches: the packets testpmd
# received on both ports ("show port stats all") over SECONDS of wall time, after a warm-up
# second; a round where either direction stopped is reported as failed. Mpps = Mpps per core
# (one forwarding thread each). Ratios are Switchyard / OVS-DPDK per round (the rounds
# alternate, so each pair ran under the same machine load).
#
# Offloads: Switchyard's vhost-user ports offer the guest checksum and TSO offload (they must
# honour them); OVS-DPDK offers them only with other_config:userspace-tso-enable=true, and
# without them the virtio-user peer negotiates none. `--ovs-config userspace-tso-enable=true`
# gives OVS the same features, so both peers run the same virtio paths.
#
# Usage: vhost_vs_ovs.sh [--rounds N] [--seconds S] [--sizes "64 1500"] [--burst B]
#                        [--ovs-config KEY=VALUE]... SWITCHYARD_BIN
set -eu
rounds=3
secs=5
sizes="64 1500"
burst=64
ovs_config=()
while [ $# -gt 1 ]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --seconds) secs=$2; shift 2 ;;
        --sizes) sizes=$2; shift 2 ;;
        --burst) burst=$2; shift 2 ;;
        --ovs-config) ovs_config+=("$2"); shift 2 ;;
        *) echo "switchyard-bench: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[ $# = 1 ] || { echo "usage: $0 [--rounds N] [--seconds S] [--sizes \"64 1500\"] [--burst B] [--ovs-config KEY=VALUE]... SWITCHYARD_BIN" >&2; exit 2; }
sy_bin=$1
[ -x "$sy_bin" ] || { echo "switchyard-bench: '$sy_bin' is not executable" >&2; exit 2; }
command -v dpdk-testpmd >/dev/null || { echo "switchyard-bench: no dpdk-testpmd (package dpdk-dev)" >&2; exit 2; }
source "$(dirname "$0")/vhost_lib.sh"
[ -x "$ovs_vswitchd" ] || { echo "switchyard-bench: no $ovs_vswitchd (package openvswitch-switch-dpdk)" >&2; exit 2; }

work=$(mktemp -d /tmp/sy-vhost-bench.XXXXXX)
tag=sy-vhb-$$
# Every process started is listed in $work/pids (the rounds run in subshells).
trap cleanup_vhost_bench EXIT

# The peer: one testpmd, two virtio-user ports on SOCK_A and SOCK_B, io engine, driven over
# its command line (a FIFO on stdin; stdout line-buffered so answers can be read at once).
# Once both links are up it sends 8 bursts into each port (a packet lost while the switch set
# up its ports cannot starve a direction), waits a warm-up second and reads the ports' RX
# counters SECONDS apart. Prints the Mpps received on both ports together.
run_peer() {  # run_peer SOCK_A SOCK_B SIZE LOG
    local fifo=$work/tp.fifo
    rm -f "$fifo"; mkfifo "$fifo"
    stdbuf -oL dpdk-testpmd --lcores '0@0,1@0' --no-huge -m 512 --no-pci --file-prefix "$tag-tp" \
        --no-telemetry --vdev "net_virtio_user0,path=$1,queues=1,queue_size=1024" \
        --vdev "net_virtio_user1,path=$2,queues=1,queue_size=1024" -- -i \
        --total-num-mbufs=16384 --no-mlockall --forward-mode=io --burst="$burst" \
        --rxd=1024 --txd=1024 --txpkts="$3" <"$fifo" >"$4" 2>&1 &
    local tp=$!
    echo "$tp" >>"$work/pids"
    exec 3>"$fifo"
    # The answer to a command: what testpmd printed after the log was OFFSET bytes long.
    since() { tail -c +$(($2 + 1)) "$1" | tr -d '\0'; }
    # Both links up (the switch accepted both guests) before the first packet.
    local up=0 off
    for _ in $(seq 100); do
        off=$(stat -c %s "$4")
        echo "show port summary all" >&3
        sleep 0.1
        up=$(since "$4" "$off" | grep -cE "^[01] .* up " || true)
        [ "$up" -ge 2 ] && break
    done
    local n0 t0 n1 t1 a0 b0 a1 b1
    read_rx() {  # prints "RX_PORT0 RX_PORT1 TIME" from one "show port stats all"
        local t off
        off=$(stat -c %s "$1")
        t=$(date +%s.%N)
        echo "show port stats all" >&3
        for _ in $(seq 50); do
            [ "$(since "$1" "$off" | grep -c 'RX-packets:')" -ge 2 ] && break
            sleep 0.02
        done
        echo "$(since "$1" "$off" | grep -oE 'RX-packets: +[0-9]+' | awk '{printf "%s ", $2} END {if (NR < 2) printf "0 0 "}') $t"
    }
    # Both directions must circulate: port 1 receives the bursts sent into port 0 (va -> vb),
    # port 0 those sent into port 1 (vb -> va). A switch that drops the first bursts of one
    # direction while it finishes setting up a port would leave half the packets in flight
    # and a one-way measurement (OVS-DPDK did in 4 of 6 rounds). Inject again (a stop and
    # another tx_first) until both ports receive, at most 5 times; peer.log says how often.
    local tries=0
    while :; do
        echo "start tx_first 8" >&3
        sleep 0.5
        read -r a0 b0 t0 < <(read_rx "$4")
        tries=$((tries + 1))
        { [ "$a0" -gt 0 ] && [ "$b0" -gt 0 ]; } || [ "$tries" -ge 5 ] && break
        echo "stop" >&3
        sleep 0.2
    done
    sleep 0.5
    read -r a0 b0 t0 < <(read_rx "$4")
    sleep "$secs"
    read -r a1 b1 t1 < <(read_rx "$4")
    n0=$((a0 + b0)); n1=$((a1 + b1))
    echo "show port stats all" >&3
    echo "quit" >&3
    exec 3>&-
    for _ in $(seq 50); do kill -0 "$tp" 2>/dev/null || break; sleep 0.1; done
    stop_pid "$tp" INT
    echo "peer: up=$up injections=$tries rx port0 $a0 -> $a1, port1 $b0 -> $b1, $t0 -> $t1" >>"$work/peer.log"
    # A direction that does not move is a failed measurement, not half a rate.
    if [ "$up" -lt 2 ] || [ "$a1" -le "$a0" ] || [ "$b1" -le "$b0" ]; then echo failed; return; fi
    /usr/bin/python3 -c "import sys; print(f\"{(int(sys.argv[2]) - int(sys.argv[1])) / (float(sys.argv[4]) - float(sys.argv[3])) / 1e6:.3f}\")" "$n0" "$n1" "$t0" "$t1"
}

run_switchyard() {  # run_switchyard SIZE: prints Mpps
    start_switchyard "$work/sy"
    run_peer "$work/sy/va.sock" "$work/sy/vb.sock" "$1" "$work/tp-sy-$1.log"
    sy stats >"$work/sy-stats-$1.txt" 2>&1 || true
    stop_pid "$sy_pid" TERM
    rm -rf "$work/sy"
}

run_ovs() {  # run_ovs SIZE: prints Mpps
    start_ovs "$work/ovs" ${ovs_config[@]+"${ovs_config[@]}"}
    run_peer "$work/ovs/va" "$work/ovs/vb" "$1" "$work/tp-ovs-$1.log"
    ovs-ofctl dump-ports "unix:$work/ovs/br0.mgmt" >"$work/ovs-ports-$1.txt" 2>&1 || true
    stop_ovs "$work/ovs"
    [ -n "${SY_BENCH_KEEP:-}" ] && cp -r "$work/ovs" "$work/ovs-log-$1"
    rm -rf "$work/ovs"
}

echo "# vhost-user <-> vhost-user, testpmd io peer on CPU 0, switch on CPU 1; $rounds rounds x ${secs}s; OVS other_config: ${ovs_config[*]:-(defaults)}; $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "size round switchyard_mpps ovs_dpdk_mpps ratio"
declare -A res
for size in $sizes; do
    for r in $(seq "$rounds"); do
        s=$(run_switchyard "$size")
        o=$(run_ovs "$size" 2>"$work/ovs-err.log" || echo failed)
        ratio=$(/usr/bin/python3 -c 'import sys
try: print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")
except Exception: print("-")' "$s" "$o")
        echo "$size $r $s $o $ratio"
        res[$size]+="$s $o $ratio;"
    done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "size switchyard_median(min-max) ovs_dpdk_median(min-max) ratio_median(min-max)"
for size in $sizes; do
    /usr/bin/python3 - "$size" "${res[$size]}" <<'PY'
import statistics, sys
rows = [r.split() for r in sys.argv[2].split(";") if r.strip()]
def col(i):
    v = []
    for r in rows:
        try: v.append(float(r[i]))
        except ValueError: pass
    return f"{statistics.median(v):.3f}({min(v):.3f}-{max(v):.3f})" if v else "-"
print(sys.argv[1], col(0), col(1), col(2))
PY
done
