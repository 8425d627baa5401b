#!/usr/bin/env bash
# End to end: two namespaces joined by a veth pair with TX checksum offload on (the default),
# a real TCP exchange (python http.server + curl), real tcpdump inside both namespaces and
# `switchyard capture --iface` recording the kernel's checksum marks on both ends. Checks:
#  - tcpdump's own capture at the sender really shows partial checksums (tshark: bad);
#  - csum-trace with the marks: every packet ok, sender-side partial = offload, certain;
#  - csum-trace with tcpdump captures only: partial at arrival, reported as inferred;
#  - a hop that drops the mark (the sender's real packets re-recorded as "kmark=none"
#    further on, built with scapy): partial_never_completed, certain, that hop named.
# Usage: csum_trace_e2e.sh SWITCHYARD_BINARY. Needs root. Cleans up on any exit.
set -euo pipefail
sy=$1
here=$(cd "$(dirname "$0")" && pwd)
na=sy-ftea nb=sy-fteb ia=sy-ftea0 ib=sy-fteb0
work=$(mktemp -d /tmp/sy-csum-e2e.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    ip netns del $na 2>/dev/null || true
    ip netns del $nb 2>/dev/null || true
    [ -n "${SY_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

wait_for() {  # wait_for FILE TEXT: until a background tool says it is ready
    for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    cat "$1"; fail "timed out waiting for '$2' in $1"
}

cleanup_ns() { ip netns del $na 2>/dev/null || true; ip netns del $nb 2>/dev/null || true; }
cleanup_ns
ip netns add $na
ip netns add $nb
ip link add $ia netns $na type veth peer name $ib netns $nb
ip -n $na addr add 10.200.61.1/24 dev $ia
ip -n $nb addr add 10.200.61.2/24 dev $ib
ip -n $na link set $ia up
ip -n $nb link set $ib up
ip -n $na link set lo up
ip -n $nb link set lo up
ip netns exec $na ethtool -k $ia | grep -q "tx-checksumming: on" || fail "TX offload is off on $ia"

ip netns exec $na tcpdump -U --immediate-mode -n -i $ia -w "$work/a.pcap" tcp 2>"$work/tda.err" & pids+=($!)
ip netns exec $nb tcpdump -U --immediate-mode -n -i $ib -w "$work/b.pcap" tcp 2>"$work/tdb.err" & pids+=($!)
"$sy" capture --iface $ia --netns $na -w "$work/a_marks.pcapng" 2>"$work/ca.err" & ca=$!; pids+=($ca)
"$sy" capture --iface $ib --netns /run/netns/$nb -w "$work/b_marks.pcapng" 2>"$work/cb.err" & cb=$!; pids+=($cb)
wait_for "$work/tda.err" "listening on"
wait_for "$work/tdb.err" "listening on"
wait_for "$work/ca.err" "capturing on $ia"
wait_for "$work/cb.err" "capturing on $ib"

echo hello-switchyard > "$work/index.html"
(cd "$work" && exec ip netns exec $nb /usr/bin/python3 -m http.server -b 10.200.61.2 8080) \
    >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 50); do
    ip netns exec $nb ss -ltn | grep -q 10.200.61.2:8080 && break; sleep 0.1
done
body=$(ip netns exec $na curl -s --max-time 5 http://10.200.61.2:8080/index.html)
[ "$body" = hello-switchyard ] || fail "HTTP exchange failed: '$body'"
sleep 0.3

# Stop: SIGINT for one capture, SIGTERM for the other; both must flush and report.
kill -INT $ca
kill -TERM $cb
wait $ca || fail "capture a exit status $?"
wait $cb || fail "capture b exit status $?"
grep -q "packets captured" "$work/ca.err" || fail "capture a did not report"
for p in "${pids[@]:0:2}"; do kill -INT "$p" 2>/dev/null || true; done
sleep 0.5

# tcpdump's bytes at the sender really show partial checksums (tshark calls them bad).
bad=$(tshark -o tcp.check_checksum:TRUE -r "$work/a.pcap" -Y "tcp.checksum.status == 0" 2>/dev/null | wc -l)
[ "$bad" -gt 0 ] || fail "sender-side tcpdump shows no partial checksum: is TX offload on?"
marked=$(tshark -r "$work/a_marks.pcapng" -Y 'frame.comment contains "kmark=csum_notready"' 2>/dev/null | wc -l)
[ "$marked" -gt 0 ] || fail "no kernel csum_notready mark recorded (tshark reads our comment)"

# 1. With the marks at both ends: all ok, certain.
set +e
"$sy" csum-trace --json marks_a="$work/a_marks.pcapng" tcpdump_a="$work/a.pcap" \
    tcpdump_b="$work/b.pcap" marks_b="$work/b_marks.pcapng" > "$work/ok.json"
rc=$?
set -e
[ $rc = 0 ] || { "$sy" csum-trace marks_a="$work/a_marks.pcapng" tcpdump_a="$work/a.pcap" \
    tcpdump_b="$work/b.pcap" marks_b="$work/b_marks.pcapng"; fail "csum-trace with marks: exit $rc"; }
/usr/bin/python3 - "$work/ok.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
tcp = [p for p in d["packets"] if p["flow"]["proto"] == "tcp" and 8080 in (p["flow"]["dport"], p["flow"]["sport"])]
syn = [p for p in tcp if p["tcp_flags"] == "S"]
sa = [p for p in tcp if p["tcp_flags"] == "SA"]
assert len(syn) == 1 and len(sa) == 1, (len(syn), len(sa))
for p in (syn[0], sa[0]):
    assert p["verdict"]["status"] == "ok", p["verdict"]
    assert p["verdict"]["certain"], p["verdict"]
    assert p["verdict"]["offload_at_sender"], p["verdict"]
    assert len(p["sightings"]) == 4, p["sightings"]
    assert p["sightings"][0]["state"] == "partial", p["sightings"]
    assert p["verdict"]["basis"] == "kernel_mark", p["verdict"]
assert syn[0]["sightings"][0]["point"] == "marks_a" and sa[0]["sightings"][0]["point"] == "marks_b"
assert syn[0]["sightings"][0]["direction"] == "out"
assert d["summary"]["problems"] == 0 and d["summary"]["offload_at_sender"] >= 2
print("with marks: %d packets ok, %d offloaded at the sender" % (len(d["packets"]), d["summary"]["offload_at_sender"]))
PY

# 2. tcpdump only: the bytes cannot tell; csum-trace says partial at arrival, inferred.
set +e
"$sy" csum-trace --json "$work/a.pcap" "$work/b.pcap" > "$work/td.json"
rc=$?
set -e
[ $rc = 1 ] || fail "csum-trace on tcpdump-only captures: exit $rc, expected 1 (inferred)"
/usr/bin/python3 - "$work/td.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
syn = [p for p in d["packets"] if p["tcp_flags"] == "S"][0]
assert syn["verdict"]["status"] == "partial_never_completed" and not syn["verdict"]["certain"], syn
assert syn["verdict"]["basis"] == "position", syn
print("tcpdump only: SYN", syn["verdict"]["status"], "(inferred)")
PY

# 3. A hop that drops the mark: the sender's real packets, recorded further on with the
#    kernel saying nothing will complete them.
/usr/bin/python3 - "$work/a.pcap" "$work/lost.pcapng" <<PY
import sys
sys.path.insert(0, "$here/../forensics")
from csum_scenarios import write_pcapng
from scapy.all import rdpcap, raw
recs = []
for p in rdpcap(sys.argv[1]):
    t = int(p.time * 10**9) + 50_000
    recs.append((t, raw(p), "in", "sy: kmark=none"))
write_pcapng(sys.argv[2], "ether", recs)
PY
set +e
"$sy" csum-trace --json sender="$work/a_marks.pcapng" switch_out="$work/lost.pcapng" > "$work/lost.json"
rc=$?
set -e
[ $rc = 1 ] || fail "csum-trace with a mark-dropping hop: exit $rc, expected 1"
/usr/bin/python3 - "$work/lost.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
syn = [p for p in d["packets"] if p["tcp_flags"] == "S"][0]
v = syn["verdict"]
assert v["status"] == "partial_never_completed" and v["certain"], v
assert v["hop"] == ["sender", "switch_out"] and v["basis"] == "kernel_mark", v
print("mark dropped: SYN", v["status"], v["hop"], "certain")
PY

# 4. --count stops by itself.
ip netns exec $na ping -c 3 -i 0.2 10.200.61.2 >/dev/null 2>&1 & pids+=($!)
timeout 10 "$sy" capture --iface $ib --netns $nb --count 2 -w "$work/count.pcapng" 2>"$work/cc.err" \
    || fail "capture --count did not stop by itself"
n=$(tshark -r "$work/count.pcapng" 2>/dev/null | wc -l)
[ "$n" = 2 ] || fail "capture --count 2 wrote $n packets"
echo "csum_trace_e2e: all checks passed"
