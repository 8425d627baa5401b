#include "dpdk/offload_map.hpp"

#include <rte_net.h>

#include "net/tcp.hpp"
#include "net/udp.hpp"
#include "offload/pseudo_header.hpp"

namespace sy::dpdk {

namespace {

void store_be16(std::uint8_t* at, std::uint16_t v) {
    at[0] = static_cast<std::uint8_t>(v >> 8);
    at[1] = static_cast<std::uint8_t>(v & 0xFF);
}

// Marks p partial over its (outer) TCP/UDP header and writes the pseudo-header seed there:
// the one state that is honest for "the data is intact but the checksum field is not a
// checksum" (DPDK's L4_CKSUM_NONE, a virtio guest's NEEDS_CSUM). False if the headers do not
// allow it (not TCP/UDP over IP, a fragment, a truncated datagram): the packet stays `none`.
bool make_partial(Packet& p) {
    const net::ParsedHeaders& h = ensure_parsed(p);
    const net::HeaderLayers& l = h.outer;
    if (l.l3_kind != net::L3Kind::ipv4 && l.l3_kind != net::L3Kind::ipv6) return false;
    if (l.ip_proto != net::kIpProtoTcp && l.ip_proto != net::kIpProtoUdp) return false;
    if (l.is_fragment || l.l4 == net::kAbsent || l.payload == net::kAbsent) return false;
    if (l.l3_end == net::kAbsent || l.l3_end > p.length || l.l3_end <= l.l4) return false;
    const std::uint16_t field = l.ip_proto == net::kIpProtoTcp ? 16 : 6;
    if (l.l4 + field + 2u > l.l3_end || l.l4 > 0xFFFFu) return false;
    const std::uint32_t sum = offload::pseudo_sum(p.bytes(), l, l.l3_end - l.l4);
    store_be16(p.data() + l.l4 + field, net::partial_seed(sum));
    p.offload.csum = CsumState::partial;
    p.offload.csum_start = static_cast<std::uint16_t>(l.l4);
    p.offload.csum_offset = field;
    return true;
}

}  // namespace

RxCsumVerdict rx_offload_from_mbuf(const rte_mbuf* m, Packet& p) {
    p.offload = {};
    const std::uint64_t f = m->ol_flags;
    const std::uint64_t l4 = f & RTE_MBUF_F_RX_L4_CKSUM_MASK;
    const std::uint64_t ip = f & RTE_MBUF_F_RX_IP_CKSUM_MASK;
    // A sender on a loopback (net_ring, a DPDK app that forwards its TX mbufs) or a vhost
    // guest in the legacy flag mode asks for checksum/segmentation with TX flags.
    const bool tx_csum = (f & RTE_MBUF_F_TX_L4_MASK) != 0;
    const bool tx_tso = (f & RTE_MBUF_F_TX_TCP_SEG) != 0 && m->tso_segsz != 0;
    const bool lro = (f & RTE_MBUF_F_RX_LRO) != 0 && m->tso_segsz != 0;
    if (ip == RTE_MBUF_F_RX_IP_CKSUM_BAD) return RxCsumVerdict::ip_bad;
    if (l4 == RTE_MBUF_F_RX_L4_CKSUM_BAD) return RxCsumVerdict::bad;
    if (lro || tx_tso) {
        if (!make_partial(p)) return RxCsumVerdict::unknown;
        const net::HeaderLayers& l = p.meta.hdr.outer;
        if (l.ip_proto != net::kIpProtoTcp) {  // no UDP GSO from DPDK: treat as one datagram
            return RxCsumVerdict::partial;
        }
        p.offload.gso.type = l.l3_kind == net::L3Kind::ipv4 ? GsoType::tcpv4 : GsoType::tcpv6;
        p.offload.gso.size = m->tso_segsz;
        p.offload.gso.hdr_len = static_cast<std::uint16_t>(l.payload);
        return RxCsumVerdict::partial;
    }
    if (l4 == RTE_MBUF_F_RX_L4_CKSUM_NONE || tx_csum) {
        return make_partial(p) ? RxCsumVerdict::partial : RxCsumVerdict::unknown;
    }
    if (l4 == RTE_MBUF_F_RX_L4_CKSUM_GOOD) {
        p.offload.csum = CsumState::verified;
        return RxCsumVerdict::good;
    }
    return RxCsumVerdict::unknown;
}

bool tx_offload_to_mbuf(Packet& p, rte_mbuf* m, const DeviceTxOffloads& dev) {
    m->ol_flags = 0;
    m->l2_len = m->l3_len = m->l4_len = 0;
    m->tso_segsz = 0;
    if (!p.offload.is_partial() && !p.offload.gso.active()) return true;
    const net::ParsedHeaders& h = ensure_parsed(p);
    const net::HeaderLayers& l = h.outer;
    if (l.l3 == net::kAbsent || l.l4 == net::kAbsent || p.offload.csum_start != l.l4) return false;
    const bool v4 = l.l3_kind == net::L3Kind::ipv4;
    if (!v4 && l.l3_kind != net::L3Kind::ipv6) return false;
    m->l2_len = static_cast<std::uint8_t>(l.l3 - l.l2);
    m->l3_len = static_cast<std::uint16_t>(l.l4 - l.l3);
    std::uint64_t flags = v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6;
    if (p.offload.gso.active()) {
        if (p.offload.gso.type != GsoType::tcpv4 && p.offload.gso.type != GsoType::tcpv6)
            return false;
        if (!dev.tcp_tso || l.payload == net::kAbsent) return false;
        m->l4_len = static_cast<std::uint16_t>(l.payload - l.l4);
        m->tso_segsz = p.offload.gso.size;
        flags |= RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
        // Segments need their own IPv4 header checksums: the device computes them.
        if (v4) {
            if (!dev.ipv4_cksum) return false;
            flags |= RTE_MBUF_F_TX_IP_CKSUM;
        }
    } else if (l.ip_proto == net::kIpProtoTcp && p.offload.csum_offset == 16) {
        if (!dev.tcp_cksum) return false;
        flags |= RTE_MBUF_F_TX_TCP_CKSUM;
    } else if (l.ip_proto == net::kIpProtoUdp && p.offload.csum_offset == 6) {
        if (!dev.udp_cksum) return false;
        flags |= RTE_MBUF_F_TX_UDP_CKSUM;
    } else {
        return false;
    }
    m->ol_flags = flags;
    // DPDK's convention for the field (the pseudo-header sum, without the length for TSO),
    // and a zero IPv4 header checksum when the device computes it.
    return ::rte_net_intel_cksum_prepare(m) == 0;
}

}  // namespace sy::dpdk
