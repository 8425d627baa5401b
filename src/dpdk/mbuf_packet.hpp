#pragma once
// A packet received on a DPDK port stays in its mbuf: the sy::Packet that describes it lives
// in the mbuf's private area (the pools of DPDK ports reserve room for it), so handing a
// received frame to the datapath allocates nothing and copies nothing. The packet's owner is
// the one MbufOwner, which frees the mbuf back to whichever pool it came from; a DPDK port
// that sends such a packet sends the mbuf itself (docs/dpdk.md, "Buffers").
//
// Internal to the dpdk layer: includes DPDK headers.

#include <rte_mbuf.h>

#include "packet/packet.hpp"

namespace sy::dpdk {

// Bytes of private area every DPDK port's pool reserves per mbuf.
inline constexpr std::uint16_t kMbufPrivSize =
    static_cast<std::uint16_t>(RTE_ALIGN(sizeof(Packet), RTE_MBUF_PRIV_ALIGN));

class MbufOwner final : public PacketOwner {
  public:
    void release(Packet* p) override {
        ::rte_pktmbuf_free(reinterpret_cast<rte_mbuf*>(p->owner_data));
    }
};

// The owner of every mbuf-backed packet (stateless, shared by all DPDK ports).
MbufOwner& mbuf_owner();

inline bool is_mbuf_packet(const Packet* p) {
    return p->owner == &mbuf_owner();
}
inline rte_mbuf* mbuf_of(Packet* p) {
    return reinterpret_cast<rte_mbuf*>(p->owner_data);
}

// Describes a single-segment mbuf as a packet (in its private area), offload metadata none.
inline Packet* wrap_mbuf(rte_mbuf* m) {
    auto* p = static_cast<Packet*>(rte_mbuf_to_priv(m));
    // Field by field, like Packet::reset: the parsed-header offsets need no clearing
    // (meta.parsed says they are stale), and this runs for every received packet.
    p->offload = {};
    p->in_port = kNoPort;
    p->meta.parsed = false;
    p->tunnel.clear();  // not `= {}`: see TunnelMeta::clear
    p->buffer = static_cast<std::uint8_t*>(m->buf_addr);
    p->buffer_size = m->buf_len;
    p->offset = m->data_off;
    p->length = m->data_len;
    p->owner = &mbuf_owner();
    p->owner_data = reinterpret_cast<std::uintptr_t>(m);
    return p;
}

// Brings the mbuf's data window back in line with the packet (which may have pushed or pulled
// headers, or been resized) before the mbuf is sent.
inline void sync_mbuf(Packet* p, rte_mbuf* m) {
    m->data_off = static_cast<std::uint16_t>(p->offset);
    m->data_len = static_cast<std::uint16_t>(p->length);
    m->pkt_len = p->length;
}

}  // namespace sy::dpdk
