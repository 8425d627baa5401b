#!/usr/bin/env bash
# What moving bridges between poll threads by load buys: two pairs of containers, each pair on
# a bridge of its own, both bridges placed on poll thread 0 (a third, idle bridge takes thread
# 1, as happens when bridges are added before their traffic comes), every packet through the
# userspace datapath (--no-kernel-fastpath). Contenders, alternating round by round:
#   rebalance: --poll-threads 2 --rebalance-interval 1 (a busy bridge moves within seconds)
#   fixed:     --poll-threads 2 --rebalance-interval 0 (bridges stay where they were placed)
# Each round: a fresh daemon and containers, both pairs' iperf3 TCP for WARMUP seconds (the
# move happens here), then both again for SECONDS, measured (sum of the two). Prints every
# round, the per-round ratio rebalance/fixed, its median and min-max.
# Usage (root): bench/topology/rebalance.sh SWITCHYARD_BIN [ROUNDS=5] [SECONDS=5] [WARMUP=4]
SY_NS_TAG=rb
source "$(dirname "$0")/../../tests/e2e/switch_lib.sh" "$1"
rounds=${2:-5}
seconds=${3:-5}
warmup=${4:-4}

for n in a b c d e; do make_ns $n; done
run_round() {  # run_round INTERVAL -> prints Gbit/s (sum) and where br2 ended up
    start_daemon --poll-threads 2 --rebalance-interval "$1" --no-kernel-fastpath
    for b in br0 br1 br2; do sy add-br $b >/dev/null; done
    sy attach br0 "$(ns_name a)" --ip 10.200.21.1/24 >/dev/null
    sy attach br0 "$(ns_name b)" --ip 10.200.21.2/24 >/dev/null
    sy attach br2 "$(ns_name c)" --ip 10.200.22.1/24 >/dev/null
    sy attach br2 "$(ns_name d)" --ip 10.200.22.2/24 >/dev/null
    sy attach br1 "$(ns_name e)" --ip 10.200.23.1/24 >/dev/null
    for n in a b c d e; do offloads_on $n; done
    in_ns a ping -c 1 -W 2 10.200.21.2 >/dev/null
    in_ns c ping -c 1 -W 2 10.200.22.2 >/dev/null
    in_ns b iperf3 -s -B 10.200.21.2 >/dev/null 2>&1 &
    local s1=$!
    in_ns d iperf3 -s -B 10.200.22.2 >/dev/null 2>&1 &
    local s2=$!
    sleep 0.5
    in_ns a iperf3 -c 10.200.21.2 -t "$warmup" >/dev/null &
    local w=$!
    in_ns c iperf3 -c 10.200.22.2 -t "$warmup" >/dev/null
    wait $w
    in_ns a iperf3 -c 10.200.21.2 -t "$seconds" -J >"$work/x.json" &
    local p=$!
    in_ns c iperf3 -c 10.200.22.2 -t "$seconds" -J >"$work/y.json"
    wait $p
    local threads
    threads=$(sy show --json | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(' '.join(str(b['poll_thread']) for b in d['bridges']))")
    kill $s1 $s2 2>/dev/null; wait $s1 $s2 2>/dev/null || true
    stop_daemon
    /usr/bin/python3 -c "
import json, sys
g = sum(json.load(open(f))['end']['sum_received']['bits_per_second'] for f in sys.argv[1:3]) / 1e9
print(f'{g:.2f} {sys.argv[3]}')" "$work/x.json" "$work/y.json" "$threads"
}

ratios=()
for r in $(seq "$rounds"); do
    read -r reb reb_threads <<<"$(run_round 1)"
    read -r fix fix_threads <<<"$(run_round 0)"
    ratio=$(/usr/bin/python3 -c "print(f'{$reb / $fix:.2f}')")
    ratios+=("$ratio")
    echo "round $r: rebalance $reb Gbit/s (threads br0 br1 br2: $reb_threads), fixed $fix Gbit/s ($fix_threads), ratio $ratio"
done
/usr/bin/python3 -c "
import statistics, sys
r = [float(x) for x in sys.argv[1:]]
print(f'rebalance/fixed, TCP of two pairs: median {statistics.median(r):.2f}x (min {min(r):.2f}, max {max(r):.2f}) over {len(r)} rounds')" "${ratios[@]}"
