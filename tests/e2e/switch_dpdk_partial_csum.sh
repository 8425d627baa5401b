#!/bin/bash
# Partial checksums from a vhost-user guest (virtio-net NEEDS_CSUM: testpmd's csum engine with
# TCP checksum offload on a virtio-user port) through the switch to a guest that did not
# negotiate GUEST_CSUM: every TCP segment (IPv4 and IPv6) must arrive, each with a correct
# checksum, as scapy recomputes it from the receiver's capture. The sender must really have
# offloaded (a switch that did not offer VIRTIO_NET_F_CSUM would make this test fail, not
# pass vacuously). The run lives in bench/dpdk/partial_csum_vs_ovs.sh, which also measures
# OVS-DPDK the same way (docs/dpdk.md). No hugepages, two cores.
# Usage: switch_dpdk_partial_csum.sh SWITCHYARD_BIN
set -eu
command -v dpdk-testpmd >/dev/null || { echo "SKIP: no dpdk-testpmd (package dpdk-dev)"; exit 0; }
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/../../bench/dpdk/partial_csum_vs_ovs.sh" --switches switchyard --packets 400 \
    --expect-correct switchyard "$1" || { echo "FAIL: partial checksums through vhost-user"; exit 1; }
echo "PASS: partial TCP checksums from a vhost-user guest arrive complete and correct"
