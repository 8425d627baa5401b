#!/usr/bin/env bash
# `daemon --poll-threads 2 --rebalance-interval 1`: two busy bridges placed on one poll thread
# (the third bridge goes where the first is) and a quiet one on the other. Within a few
# measurements one busy bridge moves to the other thread (show says so, the daemon logs it),
# while TCP streams through both bridges keep going (iperf3 completes, 0 checksum errors) and
# a ping across the moving bridge every 50 ms loses at most a few echoes; afterwards nothing
# moves back. A bad interval is refused in one line, exit 2.
# Usage: switch_rebalance.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"

rc=0; sy daemon --poll-threads 2 --rebalance-interval -1 2>"$work/err" || rc=$?
[ $rc = 2 ] || fail "--rebalance-interval -1 exit code $rc"
[ "$(wc -l <"$work/err")" = 1 ] || fail "not one line: $(cat "$work/err")"

# Without the kernel fast path every packet is the poll threads' work (with it, a plain
# bridge's traffic never reaches them and there is nothing to balance).
start_daemon --poll-threads 2 --rebalance-interval 1 --no-kernel-fastpath
for b in br0 br1 br2; do sy add-br $b >/dev/null || fail "add-br $b"; done
for n in a b c d e; do make_ns $n; done
sy attach br0 "$(ns_name a)" --ip 10.200.11.1/24 >/dev/null || fail "attach a"
sy attach br0 "$(ns_name b)" --ip 10.200.11.2/24 >/dev/null || fail "attach b"
sy attach br2 "$(ns_name c)" --ip 10.200.12.1/24 >/dev/null || fail "attach c"
sy attach br2 "$(ns_name d)" --ip 10.200.12.2/24 >/dev/null || fail "attach d"
sy attach br1 "$(ns_name e)" --ip 10.200.13.1/24 >/dev/null || fail "attach e"
for n in a b c d e; do offloads_on $n; done

threads() {
    sy show --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
t = {b['name']: b['poll_thread'] for b in d['bridges']}
print(t['br0'], t['br1'], t['br2'], d['bridges_moved'])"
}
read -r t0 t1 t2 moved <<<"$(threads)"
[ "$t0" = "$t2" ] && [ "$t0" != "$t1" ] || fail "placement br0=$t0 br1=$t1 br2=$t2, wanted br0 and br2 together"
[ "$moved" = 0 ] || fail "$moved moves before any traffic"

in_ns a ping -c 2 -i 0.2 -W 2 10.200.11.2 >/dev/null || fail "ping a->b (br0)"
in_ns c ping -c 2 -i 0.2 -W 2 10.200.12.2 >/dev/null || fail "ping c->d (br2)"

in_ns b iperf3 -s -1 -B 10.200.11.2 >/dev/null 2>&1 &
in_ns d iperf3 -s -1 -B 10.200.12.2 >/dev/null 2>&1 &
sleep 0.5
in_ns a ping -c 160 -i 0.05 -W 1 10.200.11.2 >"$work/ping.txt" 2>&1 &
ping_pid=$!
in_ns a iperf3 -c 10.200.11.2 -t 8 -J >"$work/i0.json" &
p0=$!
in_ns c iperf3 -c 10.200.12.2 -t 8 -J >"$work/i2.json" || fail "iperf3 c->d (br2) failed across the move"
wait $p0 || fail "iperf3 a->b (br0) failed across the move"
wait $ping_pid || true

read -r t0 t1 t2 moved <<<"$(threads)"
[ "$t0" != "$t2" ] || { sy show; cat "$work/daemon.log"; fail "br0 and br2 still share poll thread $t0 after 8 s of load"; }
[ "$moved" -ge 1 ] || fail "bridges_moved $moved"
grep "moved from poll thread" "$work/daemon.log" || fail "the daemon did not log the move"
sy show | grep "poll thread"
sy show | grep -q "bridges moved by load: " || fail "show text lacks the move"
sy show | grep -q "load .* % of it" || fail "show text lacks the bridges' load"
for f in i0 i2; do
    /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); b=d['end']['sum_received']['bytes']; assert b > 1e7, b; print(sys.argv[1], round(d['end']['sum_received']['bits_per_second']/1e9, 2), 'Gbit/s')" "$work/$f.json" ||
        fail "iperf3 $f moved too little"
done
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$work/ping.txt")
echo "ping across the move: $received of 160 echoes"
[ "${received:-0}" -ge 155 ] || fail "ping lost $((160 - ${received:-0})) of 160 echoes across the move"
for n in a b c d; do [ "$(csum_errors $n)" = 0 ] || fail "checksum errors in $n"; done

# Balanced now: more load moves nothing back.
in_ns b iperf3 -s -1 -B 10.200.11.2 >/dev/null 2>&1 &
in_ns d iperf3 -s -1 -B 10.200.12.2 >/dev/null 2>&1 &
sleep 0.5
in_ns a iperf3 -c 10.200.11.2 -t 3 >/dev/null &
p0=$!
in_ns c iperf3 -c 10.200.12.2 -t 3 >/dev/null || fail "iperf3 c->d again"
wait $p0 || fail "iperf3 a->b again"
read -r t0b t1b t2b moved2 <<<"$(threads)"
[ "$moved2" = "$moved" ] || fail "bridges moved again on balanced threads ($moved -> $moved2)"
# The moved bridge still learns and forwards (unicast, ARP resolved before).
in_ns a ping -c 2 -i 0.2 -W 2 10.200.11.2 >/dev/null || fail "ping a->b after the move"
in_ns c ping -c 2 -i 0.2 -W 2 10.200.12.2 >/dev/null || fail "ping c->d after the move"
echo "rebalance ok"
