#!/bin/bash
# Partial checksums from a vhost-user guest, through each switch, to a guest that does not take
# partial checksums: how many TCP segments arrive with a correct checksum (docs/dpdk.md,
# "Partial checksums against OVS-DPDK"). No hugepages, two cores.
#
# Sender: a testpmd with a net_pcap port replaying N TCP segments (IPv4 and IPv6, all
# checksums right; partial_csum_pcap.py) and a virtio-user port on the switch's vhost-user
# port va. Its csum engine forwards pcap -> virtio-user with "csum set tcp hw": the TCP
# checksum field holds only the pseudo-header sum and the virtio-net header says NEEDS_CSUM
# (a guest's TX checksum offload) — when the switch's vhost port offers VIRTIO_NET_F_CSUM; if
# it does not, testpmd cannot offload and computes the checksums itself (reported as
# "sender_offload sw").
# Receiver: a testpmd with a virtio-user port on vb, default RX offloads, so it does not
# negotiate VIRTIO_NET_F_GUEST_CSUM: the switch (or its vhost library) must hand it complete
# checksums. Its io engine writes what arrives to a pcap; scapy recomputes every checksum.
#
# Switches: switchyard; ovs (OVS-DPDK 3.1 defaults); ovs-tso (other_config:
# userspace-tso-enable=true, the setting that makes OVS offer checksum offload to guests).
# Prints one line per switch: sent (testpmd's TX on the virtio-user port), the sender's offload
# mode, received, correct, wrong (and for OVS the "Packet dropped" lines in its log). Exit 0; with --expect-correct SWITCH it exits 1 unless every
# segment sent arrived with a correct checksum through SWITCH (the e2e test uses this).
#
# Usage: partial_csum_vs_ovs.sh [--switches "switchyard ovs ovs-tso"] [--packets N]
#                               [--expect-correct SWITCH] SWITCHYARD_BIN
set -eu
switches="switchyard ovs ovs-tso"
packets=600
expect=
while [ $# -gt 1 ]; do
    case $1 in
        --switches) switches=$2; shift 2 ;;
        --packets) packets=$2; shift 2 ;;
        --expect-correct) expect=$2; shift 2 ;;
        *) echo "switchyard-bench: unknown option '$1'" >&2; exit 2 ;;
    esac
done
[ $# = 1 ] || { echo "usage: $0 [--switches LIST] [--packets N] [--expect-correct SWITCH] SWITCHYARD_BIN" >&2; exit 2; }
sy_bin=$1
here=$(cd "$(dirname "$0")" && pwd)
source "$here/vhost_lib.sh"
command -v dpdk-testpmd >/dev/null || { echo "switchyard-bench: no dpdk-testpmd (package dpdk-dev)" >&2; exit 2; }

work=$(mktemp -d /tmp/sy-csum-bench.XXXXXX)
tag=sy-csb-$$
trap cleanup_vhost_bench EXIT
oracle=$here/partial_csum_pcap.py
/usr/bin/python3 "$oracle" make "$work/in.pcap" "$packets"
/usr/bin/python3 "$oracle" empty "$work/empty.pcap" 0

# testpmd for the guests: both lcores on CPU 0 (the switch forwards on CPU 1). Run with `&`:
# exec makes the background job testpmd itself, so $! is testpmd's PID (stopped by it).
testpmd() {  # testpmd PREFIX ARGS...
    local prefix=$1
    shift
    exec stdbuf -oL dpdk-testpmd --lcores '0@0,1@0' --no-huge -m 512 --no-pci \
        --file-prefix "$tag-$prefix" --no-telemetry "$@"
}

# One switch's run (--no-flush-rx: testpmd would otherwise drain the pcap port at "start"):
# receiver first (io engine, virtio-user -> pcap), then the sender, which
# is told over its command line to offload TCP checksums on its virtio-user port.
# Prints "sent N sender_offload hw|sw received R correct C wrong W unique U".
run_peers() {  # run_peers SOCK_A SOCK_B NAME
    local out=$work/out-$3.pcap fifo=$work/tx.fifo
    testpmd "rx-$3" --vdev "net_virtio_user1,path=$2,queues=1,queue_size=1024" \
        --vdev "net_pcap1,rx_pcap=$work/empty.pcap,tx_pcap=$out" -- --rxd=1024 --txd=1024 \
        --total-num-mbufs=16384 --no-mlockall --forward-mode=io --auto-start --stats-period 1 \
        >"$work/rx-$3.log" 2>&1 </dev/null &
    local rx=$!
    echo "$rx" >>"$work/pids"
    sleep 2
    rm -f "$fifo"; mkfifo "$fifo"
    testpmd "tx-$3" --vdev "net_pcap0,rx_pcap=$work/in.pcap,tx_pcap=$work/tx-back-$3.pcap" \
        --vdev "net_virtio_user0,path=$1,queues=1,queue_size=1024" -- -i --rxd=1024 --txd=1024 \
        --total-num-mbufs=16384 --no-mlockall --forward-mode=csum --no-flush-rx \
        <"$fifo" >"$work/tx-$3.log" 2>&1 &
    local tx=$!
    echo "$tx" >>"$work/pids"
    exec 3>"$fifo"
    {
        echo "port stop 1"
        echo "csum set tcp hw 1"
        echo "port start 1"
        sleep 2
        echo "start"
        sleep 3
        echo "stop"
        echo "show port stats 1"
        echo "quit"
    } >&3
    exec 3>&-
    for _ in $(seq 100); do kill -0 "$tx" 2>/dev/null || break; sleep 0.1; done
    stop_pid "$tx" INT
    sleep 1
    stop_pid "$rx" INT
    local sent mode
    sent=$(tr -d '\0' <"$work/tx-$3.log" | grep -oE 'TX-packets: +[0-9]+' | tail -1 | grep -oE '[0-9]+$' || true)
    mode=$(tr -d '\0' <"$work/tx-$3.log" | grep -oE 'TCP checksum offload is (hw|sw)' | tail -1 | awk '{print $NF}' || true)
    echo "sent ${sent:-?} sender_offload ${mode:-?} $(/usr/bin/python3 "$oracle" check "$out" "$packets" 2>/dev/null || echo 'received ? correct ? wrong ? unique ?')"
}

status=0
echo "# partial TCP checksums from a vhost-user guest to a guest without GUEST_CSUM; $packets segments; $(date -u +%FT%TZ); load: $(cut -d' ' -f1-3 /proc/loadavg)"
for s in $switches; do
    case $s in
        switchyard)
            start_switchyard "$work/sy"
            line=$(run_peers "$work/sy/va.sock" "$work/sy/vb.sock" "$s")
            sy stats >"$work/sy-stats.txt" 2>&1 || true
            stop_pid "$sy_pid" TERM
            rm -rf "$work/sy"
            ;;
        ovs | ovs-tso)
            if [ ! -x "$ovs_vswitchd" ]; then echo "$s: skipped (no $ovs_vswitchd)"; continue; fi
            if [ "$s" = ovs-tso ]; then set -- userspace-tso-enable=true; else set --; fi
            start_ovs "$work/ovs" "$@" >>"$work/ovs-setup.log" 2>&1
            line=$(run_peers "$work/ovs/va" "$work/ovs/vb" "$s")
            # What OVS says about packets it would not send (e.g. "vb: Packet dropped: No TCP
            # checksum support" with userspace TSO, towards a guest without GUEST_CSUM; its log
            # is rate-limited, so the count is a floor).
            line="$line ovs_log_drops $(grep -c 'Packet dropped' "$work/ovs/vswitchd.log" || true)"
            stop_ovs "$work/ovs"
            [ -n "${SY_BENCH_KEEP:-}" ] && cp -r "$work/ovs" "$work/ovs-log-$s"
            rm -rf "$work/ovs"
            ;;
        *) echo "switchyard-bench: unknown switch '$s'" >&2; exit 2 ;;
    esac
    echo "$s $line"
    if [ "$s" = "$expect" ]; then
        read -r _ sent _ mode _ received _ correct _ wrong _ <<<"$line"
        # The guest must really have sent partial checksums (hw), and every one must arrive
        # complete: none lost, none wrong.
        if [ "$mode" != hw ] || [ "$sent" = "?" ] || [ "$sent" -lt 1 ] ||
            [ "$correct" != "$received" ] || [ "$received" != "$sent" ]; then
            echo "FAIL: $s: sender offload $mode, sent $sent, received $received, correct $correct"
            [ -f "$work/sy-stats.txt" ] && cat "$work/sy-stats.txt"
            status=1
        fi
    fi
done
exit $status
