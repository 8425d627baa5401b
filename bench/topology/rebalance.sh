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

round_no=0
run_round() {  # run_round INTERVAL: $work/result = Gbit/s (sum) and each bridge's poll thread
    # (called directly, not in $(...): the namespaces and the daemon must be this shell's, so
    # that the exit trap removes them if a round fails)
    # Fresh containers and a fresh configuration every time: nothing carries over.
    round_no=$((round_no + 1))
    local n
    for n in a b c d e; do make_ns $n$round_no; done
    na=a$round_no nb=b$round_no nc=c$round_no nd=d$round_no ne=e$round_no
    start_daemon --poll-threads 2 --rebalance-interval "$1" --no-kernel-fastpath
    for br in br0 br1 br2; do sy add-br $br >/dev/null; done
    sy attach br0 "$(ns_name $na)" --ip 10.200.21.1/24 >/dev/null
    sy attach br0 "$(ns_name $nb)" --ip 10.200.21.2/24 >/dev/null
    sy attach br2 "$(ns_name $nc)" --ip 10.200.22.1/24 >/dev/null
    sy attach br2 "$(ns_name $nd)" --ip 10.200.22.2/24 >/dev/null
    sy attach br1 "$(ns_name $ne)" --ip 10.200.23.1/24 >/dev/null
    for n in $na $nb $nc $nd $ne; do offloads_on $n; done
    in_ns $na ping -c 1 -W 2 10.200.21.2 >/dev/null
    in_ns $nc ping -c 1 -W 2 10.200.22.2 >/dev/null
    in_ns $nb iperf3 -s -B 10.200.21.2 >/dev/null 2>&1 &
    local s1=$!
    in_ns $nd iperf3 -s -B 10.200.22.2 >/dev/null 2>&1 &
    local s2=$!
    sleep 0.5
    in_ns $na iperf3 -c 10.200.21.2 -t "$warmup" >/dev/null &
    local w=$!
    in_ns $nc iperf3 -c 10.200.22.2 -t "$warmup" >/dev/null
    wait $w
    in_ns $na iperf3 -c 10.200.21.2 -t "$seconds" -J >"$work/x.json" &
    local p=$!
    in_ns $nc iperf3 -c 10.200.22.2 -t "$seconds" -J >"$work/y.json"
    wait $p
    local threads
    threads=$(sy show --json | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(' '.join(str(b['poll_thread']) for b in d['bridges']))")
    local state
    state=$(sy show --json | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)['state'])")
    stop_daemon
    rm -f "$state"
    for n in $nb $nd; do ip netns pids "$(ns_name $n)" | xargs -r kill; done  # iperf3 servers
    wait $s1 $s2 2>/dev/null || true
    for n in $na $nb $nc $nd $ne; do ip netns del "$(ns_name $n)"; done
    namespaces=()
    /usr/bin/python3 -c "
import json, sys
g = sum(json.load(open(f))['end']['sum_received']['bits_per_second'] for f in sys.argv[1:3]) / 1e9
print(f'{g:.2f} {sys.argv[3]}')" "$work/x.json" "$work/y.json" "$threads" >"$work/result"
}

ratios=()
for r in $(seq "$rounds"); do
    run_round 1
    read -r reb reb_threads <"$work/result"
    run_round 0
    read -r fix fix_threads <"$work/result"
    ratio=$(/usr/bin/python3 -c "print(f'{$reb / $fix:.2f}')")
    ratios+=("$ratio")
    echo "round $r: rebalance $reb Gbit/s (threads br0 br1 br2: $reb_threads), fixed $fix Gbit/s ($fix_threads), ratio $ratio"
done
/usr/bin/python3 -c "
import statistics, sys
r = [float(x) for x in sys.argv[1:]]
print(f'rebalance/fixed, TCP of two pairs: median {statistics.median(r):.2f}x (min {min(r):.2f}, max {max(r):.2f}) over {len(r)} rounds')" "${ratios[@]}"
