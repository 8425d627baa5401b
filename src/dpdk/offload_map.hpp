#pragma once
// The mapping between an mbuf's offload flags (ol_flags, l2_len/l3_len/l4_len, tso_segsz) and
// a packet's checksum/GSO metadata, both ways (docs/dpdk.md, "Offloads"):
//  - RX: L4 checksum GOOD -> verified; BAD or UNKNOWN -> none (never marked good unchecked);
//    NONE ("data intact, checksum not computed": virtio-user/vhost guests that left the
//    checksum to the host) and TX checksum requests arriving on a loopback -> partial, with the
//    pseudo-header seed written by us so the field is what `partial` promises; LRO with a
//    segment size -> a TCP super-frame (GSO) with a partial checksum.
//  - TX: partial -> TX_TCP/UDP_CKSUM with the lengths, TCP GSO -> TX_TCP_SEG + tso_segsz, only
//    when the device advertised the offload (otherwise egress preparation has already
//    finished or segmented in software, because the port's caps said so).
// Internal to the dpdk layer: includes DPDK headers.

#include <rte_mbuf.h>

#include <cstdint>

#include "packet/packet.hpp"

namespace sy::dpdk {

// What a port's device can do, from rte_eth_dev_info (tx_offload_capa).
struct DeviceTxOffloads {
    bool ipv4_cksum = false;
    bool tcp_cksum = false;
    bool udp_cksum = false;
    bool tcp_tso = false;
    bool multi_segs = false;
};

// What the RX mapping saw, for the port's counters.
enum class RxCsumVerdict : std::uint8_t { unknown, good, bad, partial, ip_bad };

// Fills p->offload from the mbuf's RX flags (p describes m). May write the pseudo-header
// seed into the L4 checksum field (NONE / TX-flag cases). Never marks unchecked data good.
RxCsumVerdict rx_offload_from_mbuf(const rte_mbuf* m, Packet& p);

// Sets the mbuf's TX flags and lengths from p->offload (p describes m's data). Returns false
// if the packet asks for an offload the device lacks (egress preparation should have made
// that impossible; the caller drops and counts it rather than send a wrong checksum).
bool tx_offload_to_mbuf(Packet& p, rte_mbuf* m, const DeviceTxOffloads& dev);

}  // namespace sy::dpdk
