#!/usr/bin/env bash
# The veth lesson (docs/lab.md) through the switch, checked against the kernel: a server
# namespace and a client namespace joined by a Switch (af_packet ports, vnet headers); the
# switch flips one payload bit in 2% of the packets arriving from the server (lab fault
# injection), and the client downloads a few MiB of random data over HTTP.
#   safe:   default options: the client's kernel checks every damaged segment, drops it
#           (TcpInCsumErrors rises), TCP retransmits, the SHA-256 matches.
#   unsafe: unsafe_mark_verified on the client's port: every unchecked packet leaves with
#           NEEDS_CSUM over its untouched bytes, the client's kernel trusts CHECKSUM_PARTIAL
#           (what pre-3.14 veth's CHECKSUM_UNNECESSARY did), the SHA-256 differs.
# The server's TSO is off, as in the lab: the injector leaves super-frames alone.
# Usage: dataplane_veth_lesson.sh HOST_BINARY safe|unsafe
set -euo pipefail
host_bin=$1
mode=$2
id=$$
nss=sy-dpus$id nsc=sy-dpuc$id
vs=sydpus$id vc=sydpuc$id
ips=10.200.78.1 ipc=10.200.78.2
work=$(mktemp -d)
host_pid=

source "$(dirname "$0")/dataplane_lib.sh"
trap cleanup EXIT

add_host "$nss" "$vs" "$ips"
add_host "$nsc" "$vc" "$ipc"
# Checksum offload stays on (the server sends partial checksums); TSO off so the injector
# sees every data segment (it does not damage super-frames).
ip netns exec "$nss" ethtool -K eth0 tso off >/dev/null
ip netns exec "$nss" ethtool -k eth0 | grep -q "tx-checksumming: on" || fail "tx checksumming is off in $nss"

client_port=$vc
[ "$mode" = unsafe ] && client_port="$vc:unsafe_mark_verified"
"$host_bin" vnet_hdr "$vs:corrupt=0.02" "$client_port" >"$work/host.out" 2>"$work/host.err" &
host_pid=$!
for _ in $(seq 50); do grep -q ready "$work/host.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/host.out" || fail "switch host did not start"

mkdir "$work/www"
head -c $((4 << 20)) /dev/urandom >"$work/www/blob"
ip netns exec "$nss" /usr/bin/python3 -m http.server 8080 --bind "$ips" --directory "$work/www" \
    >/dev/null 2>&1 &
for _ in $(seq 50); do ip netns exec "$nss" ss -ltn | grep -q ":8080" && break; sleep 0.1; done
errors_before=$(csum_errors "$nsc")
ip netns exec "$nsc" curl -s --max-time 30 -o "$work/got" "http://$ips:8080/blob" ||
    fail "download through the switch did not complete"
errors_after=$(csum_errors "$nsc")
want=$(sha256sum <"$work/www/blob" | cut -d' ' -f1)
got=$(sha256sum <"$work/got" | cut -d' ' -f1)
kill "$host_pid"; wait "$host_pid" || true; host_pid=
cat "$work/host.out"
injected=$(sed -n "s/^port $vs .*corrupted=\([0-9]*\).*/\1/p" "$work/host.out")
marked=$(sed -n "s/^port $vc .*unsafe_marked=\([0-9]*\).*/\1/p" "$work/host.out")
[ "${injected:-0}" -gt 0 ] || fail "the switch injected no corruption"
size=$(stat -c %s "$work/got")
echo "$mode: injected=$injected unsafe_marked=$marked TcpInCsumErrors $errors_before -> $errors_after"
echo "$mode: sent $want, received $got ($size bytes)"
if [ "$mode" = safe ]; then
    [ "$got" = "$want" ] || fail "safe: the download arrived corrupted"
    [ "$errors_after" -gt "$errors_before" ] || fail "safe: the receiver counted no TCP checksum errors"
    [ "${marked:-0}" = 0 ] || fail "safe: $marked packets left marked"
else
    [ "$size" = $((4 << 20)) ] || fail "unsafe: download size $size"
    [ "$got" != "$want" ] || fail "unsafe: the SHA-256 matches: the receiver still checked checksums"
    [ "${marked:-0}" -ge "$injected" ] || fail "unsafe: fewer packets marked ($marked) than damaged"
    [ "$errors_after" = "$errors_before" ] ||
        fail "unsafe: the receiver still caught $((errors_after - errors_before)) damaged segments"
fi
echo PASS
