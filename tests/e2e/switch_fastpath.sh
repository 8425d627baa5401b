#!/usr/bin/env bash
# The kernel fast path (the daemon's default; `--kernel-fastpath` still accepted) end to end: two containers attached with
# default offloads exchange a 20 MiB file over TCP, intact, and the frames cross in the kernel
# (the fast-path counters carry the transfer, userspace sees a handful of frames). Frames for a
# container go to its interface directly (to peer: not through the host end's transmit), except
# while tcpdump taps the host end, which then sees both directions. A capture
# pauses the port: every frame then goes through userspace (and into the pcapng) and the
# fast-path counters stand still; afterwards the port is active again. A MAC moving to another
# port is followed. SIGTERM leaves no tc filter behind; after SIGKILL the next daemon removes
# what was left. Restarted with --no-kernel-fastpath, the switch shows no trace of the fast path and
# forwards the same traffic in userspace.
# Usage: switch_fastpath.sh SWITCHYARD_BIN
source "$(dirname "$0")/switch_lib.sh" "$1"

py=/usr/bin/python3

# port_stat PORT KEY: a number (or string) from `sy stats --json` for that port; KEY is a
# top-level field ("rx_packets") or "kernel_fastpath.FIELD". Prints "absent" if missing.
port_stat() {
    sy stats --json | "$py" -c '
import json, sys
port, key = sys.argv[1], sys.argv[2].split(".")
for b in json.load(sys.stdin)["bridges"]:
    for p in b["ports"]:
        if p["name"] != port:
            continue
        v = p
        for k in key:
            if not isinstance(v, dict) or k not in v:
                print("absent"); sys.exit(0)
            v = v[k]
        print(v); sys.exit(0)
sys.exit("no port " + port)
' "$1" "$2"
}

# fp_total PORT: fast-path rx + tx packets of that port.
fp_total() { echo $(($(port_stat "$1" kernel_fastpath.rx_packets) + $(port_stat "$1" kernel_fastpath.tx_packets))); }

fetch() {  # fetch LABEL: a gets big.bin from b; its sha256 must match
    rm -f "$work/got.bin"
    in_ns a curl -sS --max-time 30 -o "$work/got.bin" http://10.200.9.2:8080/big.bin ||
        fail "$1: HTTP fetch a<-b"
    [ "$(sha256sum <"$work/got.bin")" = "$want_sum" ] || fail "$1: fetched file differs (sha256)"
}

# --- 1. Daemon with the fast path: announced by `show`.
start_daemon --kernel-fastpath
sy show >"$work/show"
grep -qx "kernel fast path: on" "$work/show" || fail "show lacks 'kernel fast path: on': $(cat "$work/show")"
sy add-br br0 >/dev/null || fail "add-br"

# --- 2. Two containers, default offloads.
make_ns a
make_ns b
out=$(sy attach br0 "$(ns_name a)" --ip 10.200.9.1/24) || fail "attach a"
port_a=$(echo "$out" | sed -n 's/.*port \(sy[0-9a-f]*\) .*/\1/p')
if_a=$(echo "$out" | sed -n 's/.*<-> \([^ ]*\) .*/\1/p')
out=$(sy attach br0 "$(ns_name b)" --ip 10.200.9.2/24) || fail "attach b"
port_b=$(echo "$out" | sed -n 's/.*port \(sy[0-9a-f]*\) .*/\1/p')
if_b=$(echo "$out" | sed -n 's/.*<-> \([^ ]*\) .*/\1/p')
[ -n "$port_a" ] && [ -n "$port_b" ] && [ -n "$if_a" ] && [ -n "$if_b" ] ||
    fail "could not parse attach output: '$out'"
offloads_on a "$if_a"
offloads_on b "$if_b"
for p in "$port_a" "$port_b"; do
    st=$(port_stat "$p" kernel_fastpath.state)
    [ "$st" = active ] || fail "port $p fast path state '$st', expected active"
done
sy show | grep "$port_a" | grep -q "fast-path active" || fail "show lacks 'fast-path active' for $port_a"
echo "attached: $port_a ($if_a in a), $port_b ($if_b in b), fast path active, offloads on"

# --- 3. Real TCP: 20 MiB, intact, through the kernel.
csum_a=$(csum_errors a)
csum_b=$(csum_errors b)
http_server b 10.200.9.2
head -c 20M /dev/urandom >"$work/www/big.bin"
want_sum=$(sha256sum <"$work/www/big.bin")
in_ns a ping -c 2 -i 0.2 -W 2 10.200.9.2 >/dev/null || fail "ping a->b"
us_a0=$(port_stat "$port_a" rx_packets)
us_b0=$(port_stat "$port_b" rx_packets)
fetch "first fetch"
fp_rx_a=$(port_stat "$port_a" kernel_fastpath.rx_packets)
fp_tx_a=$(port_stat "$port_a" kernel_fastpath.tx_packets)
fp_tx_bytes_a=$(port_stat "$port_a" kernel_fastpath.tx_bytes)
fp_rx_b=$(port_stat "$port_b" kernel_fastpath.rx_packets)
us_a=$(($(port_stat "$port_a" rx_packets) - us_a0))
us_b=$(($(port_stat "$port_b" rx_packets) - us_b0))
echo "fetch 1: fast path a rx $fp_rx_a tx $fp_tx_a ($fp_tx_bytes_a bytes), b rx $fp_rx_b;" \
    "userspace rx during the fetch a $us_a b $us_b"
# The file (20 MiB) reached a through the kernel: its bytes were handed to a by the fast path.
[ "$fp_tx_bytes_a" -ge $((20 * 1024 * 1024)) ] || fail "fast path handed only $fp_tx_bytes_a bytes to a"
fp_a=$((fp_rx_a + fp_tx_a))
# Packets are TSO/GRO super-frames (~400 for the file), so counts stay in the hundreds.
[ "$fp_a" -gt 200 ] || fail "fast path moved only $fp_a frames for port a"
[ "$fp_rx_b" -gt 100 ] || fail "fast path took only $fp_rx_b frames from b"
[ "$fp_a" -gt $((10 * (us_a + us_b))) ] ||
    fail "userspace saw too much: fast path $fp_a vs userspace rx $us_a + $us_b"
[ "$(csum_errors a)" = "$csum_a" ] && [ "$(csum_errors b)" = "$csum_b" ] ||
    fail "TCP checksum errors: a $csum_a -> $(csum_errors a), b $csum_b -> $(csum_errors b)"
echo "fast path ok: 20 MiB intact, no checksum errors"

# --- 3b. Frames for a container go straight to its interface (bpf_redirect_peer), past the
# host end's transmit; while tcpdump taps a host end, that port's frames go through its
# transmit again, so the capture sees both directions (and afterwards the peer path returns).
# wait_to_peer PORT WANT: the port's kernel_fastpath.to_peer becomes WANT within 5 s.
wait_to_peer() {
    local v=
    for _ in $(seq 50); do
        v=$(port_stat "$1" kernel_fastpath.to_peer)
        [ "$v" = "$2" ] && return 0
        sleep 0.1
    done
    fail "port $1: kernel_fastpath.to_peer is '$v', expected $2"
}
wait_to_peer "$port_a" True
wait_to_peer "$port_b" True
sy show | grep "$port_a" | grep -q "fast-path active (to peer)" || fail "show lacks '(to peer)' for $port_a"
tx_host_a0=$(cat "/sys/class/net/$port_a/statistics/tx_packets")
fp_tx_a0=$(port_stat "$port_a" kernel_fastpath.tx_packets)
in_ns a ping -c 50 -i 0.02 -W 2 10.200.9.2 >/dev/null || fail "ping a->b (to peer)"
tx_host_a=$(($(cat "/sys/class/net/$port_a/statistics/tx_packets") - tx_host_a0))
fp_tx_a=$(($(port_stat "$port_a" kernel_fastpath.tx_packets) - fp_tx_a0))
echo "to peer: the fast path handed a $fp_tx_a frames, $port_a transmitted $tx_host_a"
# (The host end still transmits what userspace floods, IPv6 neighbour discovery and the like.)
[ "$fp_tx_a" -ge 50 ] || fail "the echo replies did not take the fast path ($fp_tx_a)"
[ "$tx_host_a" -le $((fp_tx_a / 2)) ] || fail "the replies went through $port_a's transmit ($tx_host_a of $fp_tx_a)"
tcpdump -i "$port_a" -n -l icmp >"$work/tcpdump.txt" 2>/dev/null &
td=$!
wait_to_peer "$port_a" False
wait_to_peer "$port_b" True
fp_before=$(fp_total "$port_a")
in_ns a ping -c 5 -i 0.2 -W 2 10.200.9.2 >/dev/null || fail "ping a->b with tcpdump"
sleep 0.5
kill $td; wait $td 2>/dev/null || true
replies=$(grep -c "10.200.9.2 > 10.200.9.1: ICMP echo reply" "$work/tcpdump.txt" || true)
echo "tcpdump on $port_a: $replies echo replies; fast path a $fp_before -> $(fp_total "$port_a")"
[ "$(fp_total "$port_a")" -ge $((fp_before + 10)) ] || fail "the pings did not take the fast path"
[ "$replies" -ge 5 ] || fail "tcpdump on $port_a saw $replies of 5 echo replies the kernel forwarded"
wait_to_peer "$port_a" True
echo "tcpdump gone: $port_a delivers to its peer again"

# --- 4. A capture pauses port a: every frame through userspace, fast path counters still.
"$sy_bin" capture br0 "$port_a" --direction both -w "$work/a.pcapng" 2>"$work/cap.err" &
cap=$!
st=
for _ in $(seq 50); do
    st=$(port_stat "$port_a" kernel_fastpath.state)
    [ "$st" = "paused: capture" ] && break
    kill -0 $cap 2>/dev/null || fail "capture exited early: $(cat "$work/cap.err")"
    sleep 0.1
done
[ "$st" = "paused: capture" ] || fail "port a state during capture '$st'"
[ "$(port_stat "$port_b" kernel_fastpath.state)" = active ] || fail "port b not active during a's capture"
fp_before=$(fp_total "$port_a")
us_before=$(port_stat "$port_a" rx_packets)
in_ns a ping -c 5 -i 0.2 -W 2 10.200.9.2 >/dev/null || fail "ping during capture"
fp_after=$(fp_total "$port_a")
us_after=$(port_stat "$port_a" rx_packets)
kill -INT $cap
wait $cap || fail "capture exited $?: $(cat "$work/cap.err")"
n=$(tshark -r "$work/a.pcapng" -Y "icmp.type == 8 && ip.dst == 10.200.9.2" 2>/dev/null | wc -l)
r=$(tshark -r "$work/a.pcapng" -Y "icmp.type == 0 && ip.dst == 10.200.9.1" 2>/dev/null | wc -l)
echo "capture: $n echo requests, $r replies seen by tshark; fast path a $fp_before -> $fp_after;" \
    "userspace rx a $us_before -> $us_after"
[ "$n" -ge 5 ] || fail "expected >= 5 echo requests in the capture, got $n"
[ "$r" -ge 5 ] || fail "expected >= 5 echo replies in the capture, got $r"
[ "$fp_after" = "$fp_before" ] || fail "fast path counters of a grew during its capture ($fp_before -> $fp_after)"
[ $((us_after - us_before)) -ge 5 ] || fail "userspace did not see a's pings during the capture"
st=$(port_stat "$port_a" kernel_fastpath.state)
[ "$st" = active ] || fail "port a state after the capture '$st'"
bytes_before=$(port_stat "$port_a" kernel_fastpath.tx_bytes)
fetch "fetch after capture"
fp_again=$(fp_total "$port_a")
bytes_again=$(port_stat "$port_a" kernel_fastpath.tx_bytes)
echo "after capture: active again, fast path a $fp_after -> $fp_again frames," \
    "$bytes_before -> $bytes_again bytes to a"
[ $((bytes_again - bytes_before)) -ge $((20 * 1024 * 1024)) ] && [ "$fp_again" -gt $((fp_after + 200)) ] ||
    fail "fast path did not resume after the capture ($fp_after -> $fp_again frames)"
daemon_alive || fail "daemon died"

# --- 4b. A MAC moves to another port: container c takes over a's MAC and address while a
# goes quiet. The kernel knows the MAC behind a's port, so c's first frames go to userspace,
# which sees the move and republishes it: the next transfer reaches c through the kernel and
# nothing more goes to a's port.
make_ns c
out=$(sy attach br0 "$(ns_name c)" --ip 10.200.9.3/24) || fail "attach c"
port_c=$(echo "$out" | sed -n 's/.*port \(sy[0-9a-f]*\) .*/\1/p')
if_c=$(echo "$out" | sed -n 's/.*<-> \([^ ]*\) .*/\1/p')
[ -n "$port_c" ] && [ -n "$if_c" ] || fail "could not parse attach output: '$out'"
mac_a=$(in_ns a cat "/sys/class/net/$if_a/address")
in_ns a ip link set "$if_a" down
in_ns c ip link set "$if_c" down
in_ns c ip link set "$if_c" address "$mac_a"
in_ns c ip addr flush dev "$if_c"
in_ns c ip addr add 10.200.9.1/24 dev "$if_c"
in_ns c ip link set "$if_c" up
moved=
for _ in $(seq 10); do
    in_ns c ping -c 1 -W 1 10.200.9.2 >/dev/null && moved=1 && break
done
[ -n "$moved" ] || fail "c (a's MAC and address) cannot reach b"
sy fdb br0 | grep -i "$mac_a" | grep -q "$port_c" ||
    fail "fdb does not show $mac_a on $port_c: $(sy fdb br0)"
tx_a0=$(port_stat "$port_a" kernel_fastpath.tx_bytes)
tx_c0=$(port_stat "$port_c" kernel_fastpath.tx_bytes)
rm -f "$work/got.bin"
in_ns c curl -sS --max-time 30 -o "$work/got.bin" http://10.200.9.2:8080/big.bin ||
    fail "HTTP fetch c<-b after the move"
[ "$(sha256sum <"$work/got.bin")" = "$want_sum" ] || fail "file fetched by c differs (sha256)"
tx_a1=$(port_stat "$port_a" kernel_fastpath.tx_bytes)
tx_c1=$(port_stat "$port_c" kernel_fastpath.tx_bytes)
echo "MAC move: $mac_a now on $port_c; fast path bytes to c $tx_c0 -> $tx_c1, to a $tx_a0 -> $tx_a1"
[ $((tx_c1 - tx_c0)) -ge $((20 * 1024 * 1024)) ] || fail "the moved MAC's transfer did not go to c through the kernel"
[ "$tx_a1" = "$tx_a0" ] || fail "frames for the moved MAC still went to a's old port"
in_ns c ip link set "$if_c" down  # a takes its address back for the steps below
in_ns a ip link set "$if_a" up

# --- 5. SIGTERM: no tc filter of ours stays on the host ends.
stop_daemon TERM
for p in "$port_a" "$port_b"; do
    if ip link show "$p" >/dev/null 2>&1; then
        f=$(tc filter show dev "$p" ingress 2>&1)
        [ -z "$f" ] || fail "tc filter left on $p after SIGTERM: $f"
        echo "after SIGTERM: $p present, no ingress filter"
    else
        echo "after SIGTERM: $p is gone"
    fi
done

# --- 5b. A daemon killed with SIGKILL cannot detach: its filters stay, and the next daemon
# (here one with --no-kernel-fastpath, which would otherwise forward every frame twice)
# removes them. This one runs the default: the fast path without a flag.
start_daemon
[ -n "$(tc filter show dev "$port_a" ingress)" ] || fail "no tc filter on $port_a with the fast path"
stop_daemon KILL
[ -n "$(tc filter show dev "$port_a" ingress)" ] || fail "the killed daemon's filter is already gone"

# --- 6. With --no-kernel-fastpath: no trace of it; the restored ports forward in userspace.
start_daemon --no-kernel-fastpath
for p in "$port_a" "$port_b"; do
    f=$(tc filter show dev "$p" ingress 2>&1)
    [ -z "$f" ] || fail "the filter a killed daemon left on $p stays: $f"
done
grep -q "removed a kernel fast path filter left by an earlier switchyard process" "$work/daemon.log" ||
    fail "the daemon did not say it removed a stale filter"
echo "after SIGKILL: the next daemon removed the stale filters"
sy show >"$work/show"
grep -q "kernel fast path" "$work/show" && fail "show mentions the fast path with --no-kernel-fastpath: $(cat "$work/show")"
grep -q "fast-path" "$work/show" && fail "show has a per-port fast-path state with --no-kernel-fastpath"
grep -q "$port_a" "$work/show" || fail "port a not restored: $(cat "$work/show")"
sy stats --json | "$py" -c '
import json, sys
ports = [p for b in json.load(sys.stdin)["bridges"] for p in b["ports"]]
assert ports, "no ports"
bad = [p["name"] for p in ports if "kernel_fastpath" in p]
assert not bad, "kernel_fastpath key on " + ",".join(bad)
' || fail "stats --json has kernel_fastpath with --no-kernel-fastpath"
for _ in 1 2 3; do in_ns a ping -c 1 -W 1 10.200.9.2 >/dev/null && break; done
us_a0=$(port_stat "$port_a" rx_packets)
us_b0=$(port_stat "$port_b" rx_bytes)
fetch "fetch without the fast path"
us_a=$(($(port_stat "$port_a" rx_packets) - us_a0))
us_b=$(($(port_stat "$port_b" rx_bytes) - us_b0))
echo "without the fast path: 20 MiB intact, userspace rx a $us_a frames, b $us_b bytes"
# Userspace now carries the file itself: b's 20 MiB and a's ACKs.
[ "$us_b" -ge $((20 * 1024 * 1024)) ] || fail "userspace got only $us_b bytes from b without the fast path"
[ "$us_a" -gt 50 ] || fail "userspace saw only $us_a frames from a without the fast path"
[ "$(csum_errors a)" = "$csum_a" ] && [ "$(csum_errors b)" = "$csum_b" ] ||
    fail "TCP checksum errors without the fast path"
daemon_alive || fail "daemon died"
echo "PASS"
