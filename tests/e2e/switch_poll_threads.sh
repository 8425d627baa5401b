#!/usr/bin/env bash
# `daemon --poll-threads 2`: two poll threads (named sy-poll), two bridges served by different
# ones (show says which), containers on each with default offloads reach each other (ping,
# TCP with 0 checksum errors); the configuration survives a restart with one thread, and a
# bad value is refused in one line, exit 2.
# Usage: switch_poll_threads.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"

rc=0; sy daemon --poll-threads 0 2>"$work/err" || rc=$?
[ $rc = 2 ] || fail "--poll-threads 0 exit code $rc"
[ "$(wc -l <"$work/err")" = 1 ] || fail "not one line: $(cat "$work/err")"

start_daemon --poll-threads 2 --no-kernel-fastpath  # every packet through the two threads
threads=$(grep -l '^sy-poll$' /proc/"$daemon_pid"/task/*/comm 2>/dev/null | wc -l)
[ "$threads" = 2 ] || fail "$threads poll threads, wanted 2"
sy add-br br0 >/dev/null || fail "add-br br0"
sy add-br br1 >/dev/null || fail "add-br br1"
for n in a b c d; do make_ns $n; done
sy attach br0 "$(ns_name a)" --ip 10.200.7.1/24 >/dev/null || fail "attach a"
sy attach br0 "$(ns_name b)" --ip 10.200.7.2/24 >/dev/null || fail "attach b"
sy attach br1 "$(ns_name c)" --ip 10.200.8.1/24 >/dev/null || fail "attach c"
sy attach br1 "$(ns_name d)" --ip 10.200.8.2/24 >/dev/null || fail "attach d"
for n in a b c d; do offloads_on $n; done

sy show --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['poll_threads'] == 2, d['poll_threads']
t = {b['name']: b['poll_thread'] for b in d['bridges']}
assert t['br0'] != t['br1'], t
" || fail "show: bridges not on different poll threads"
sy show | grep -q "poll threads: 2" || fail "show text lacks the poll threads"

in_ns a ping -c 2 -i 0.2 -W 2 10.200.7.2 >/dev/null || fail "ping a->b (br0)"
in_ns c ping -c 2 -i 0.2 -W 2 10.200.8.2 >/dev/null || fail "ping c->d (br1)"
# Both bridges at once, each on its own thread.
in_ns b iperf3 -s -1 -B 10.200.7.2 >/dev/null 2>&1 &
in_ns d iperf3 -s -1 -B 10.200.8.2 >/dev/null 2>&1 &
sleep 0.5
in_ns a iperf3 -c 10.200.7.2 -t 2 -J >"$work/i0.json" &
p0=$!
in_ns c iperf3 -c 10.200.8.2 -t 2 -J >"$work/i1.json" || fail "iperf3 c->d"
wait $p0 || fail "iperf3 a->b"
for f in i0 i1; do
    /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); b=d['end']['sum_received']['bytes']; assert b > 1e6, b; print(sys.argv[1], round(d['end']['sum_received']['bits_per_second']/1e9, 2), 'Gbit/s')" "$work/$f.json" ||
        fail "iperf3 $f moved too little"
done
for n in a b c d; do [ "$(csum_errors $n)" = 0 ] || fail "checksum errors in $n"; done

# Restart with one poll thread: the same bridges and ports come back, traffic resumes.
stop_daemon
start_daemon --poll-threads 1
sy show --json | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['poll_threads'] == 1
assert [b['name'] for b in d['bridges']] == ['br0', 'br1']
" || fail "restart with one thread lost the configuration"
for _ in $(seq 20); do in_ns c ping -c 1 -W 1 10.200.8.2 >/dev/null && break; sleep 0.25; done
in_ns c ping -c 2 -i 0.2 -W 2 10.200.8.2 >/dev/null || fail "ping c->d after restart"
echo "poll threads ok"
