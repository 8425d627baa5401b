#pragma once
// Inserting an 802.1Q/802.1ad tag right after the MAC addresses of a packet, keeping its
// offload offsets (partial checksum start, GSO header length) on the bytes they describe.
// Kernel ports need it to put back a tag the kernel delivered out of band (VLAN offload:
// PACKET_AUXDATA / tpacket3_hdr carry it, the frame does not); l2 uses it for VLAN push.

#include <cstdint>
#include <cstring>

#include "base/bytes.hpp"
#include "packet/packet.hpp"

namespace sy::port {

// False (packet unchanged) without 4 bytes of headroom or with a frame shorter than the MACs.
inline bool insert_vlan_tag(Packet& p, std::uint16_t tpid, std::uint16_t tci) {
    constexpr std::uint32_t kMacs = 12, kTag = 4;
    const OffloadInfo saved = p.offload;
    const PacketMeta saved_meta = p.meta;
    if (p.length < kMacs || !p.push_front(kTag)) return false;
    std::uint8_t* d = p.data();
    std::memmove(d, d + kTag, kMacs);
    store_be16(d + kMacs, tpid);
    store_be16(d + kMacs + 2, tci);
    // Set from the saved value: correct whether or not push_front moved the offsets itself.
    p.offload = saved;
    if (p.offload.is_partial() && p.offload.csum_start >= kMacs) p.offload.csum_start += kTag;
    if (p.offload.gso.active() && p.offload.gso.hdr_len >= kMacs) p.offload.gso.hdr_len += kTag;
    // Parsed offsets move with the bytes (parse once); if they cannot, the next reader parses.
    p.meta = saved_meta;
    if (p.meta.parsed) p.meta.parsed = net::shift_for_vlan_push(p.meta.hdr, tpid, tci);
    return true;
}

}  // namespace sy::port
