#pragma once
// A packet: a frame in a buffer the packet does not own (its owner: a PacketPool, or a port
// with buffers of its own), with headroom so tags and tunnel headers can be pushed without
// copying, its offload metadata and the parsed header offsets. Plain data: moving a packet
// between stages is moving a pointer.

#include <cstdint>
#include <span>

#include "net/parse.hpp"
#include "packet/offload_info.hpp"
#include "packet/packet_meta.hpp"
#include "packet/packet_owner.hpp"
#include "packet/tunnel_meta.hpp"

namespace sy {

using PortId = std::uint32_t;
inline constexpr PortId kNoPort = 0xFFFFFFFFu;

struct Packet {
    std::uint8_t* buffer = nullptr;  // start of the storage, headroom included
    std::uint32_t buffer_size = 0;
    std::uint32_t offset = 0;  // where the frame starts inside buffer
    std::uint32_t length = 0;  // frame length in bytes
    OffloadInfo offload;
    PortId in_port = kNoPort;
    PacketMeta meta;
    TunnelMeta tunnel;
    PacketOwner* owner = nullptr;   // where release() returns it
    std::uintptr_t owner_data = 0;  // the owner's own handle (e.g. a DPDK mbuf)

    std::uint8_t* data() { return buffer + offset; }
    const std::uint8_t* data() const { return buffer + offset; }
    std::span<std::uint8_t> bytes() { return {data(), length}; }
    std::span<const std::uint8_t> bytes() const { return {data(), length}; }
    std::uint32_t headroom() const { return offset; }
    std::uint32_t tailroom() const { return buffer_size - offset - length; }

    // Grow the frame at the front (VLAN push, encapsulation). False if no headroom.
    // Offload offsets count from the first byte of the frame, and whatever is inserted lies
    // in front of the L4 header, so they move with it: metadata never goes stale.
    bool push_front(std::uint32_t n) {
        if (n > offset) return false;
        offset -= n;
        length += n;
        if (offload.is_partial())
            offload.csum_start = static_cast<std::uint16_t>(offload.csum_start + n);
        if (offload.gso.active())
            offload.gso.hdr_len = static_cast<std::uint16_t>(offload.gso.hdr_len + n);
        meta.parsed = false;  // whoever pushed knows what it added, and re-describes it
        return true;
    }
    // Remove n bytes from the front (VLAN pop, decapsulation). False if too short.
    // Offload offsets shift back. If the removed bytes held the header whose checksum was
    // pending (decapsulating a packet with a partial outer UDP checksum), that checksum no
    // longer exists: the state becomes none, and the inner headers keep their own checksums.
    bool pull_front(std::uint32_t n) {
        if (n > length) return false;
        offset += n;
        length -= n;
        if (offload.is_partial()) {
            if (offload.csum_start >= n) {
                offload.csum_start = static_cast<std::uint16_t>(offload.csum_start - n);
            } else {
                offload.csum = CsumState::none;
                offload.csum_start = offload.csum_offset = 0;
            }
        }
        if (offload.gso.active()) {
            offload.gso.hdr_len =
                static_cast<std::uint16_t>(offload.gso.hdr_len >= n ? offload.gso.hdr_len - n : 0);
        }
        meta.parsed = false;
        return true;
    }
    // Set the frame length; false if it would not fit in the buffer.
    bool resize(std::uint32_t n) {
        if (n > buffer_size - offset) return false;
        length = n;
        return true;
    }
    // Reset for reuse by a receive path.
    void reset(std::uint32_t headroom_bytes) {
        offset = headroom_bytes < buffer_size ? headroom_bytes : 0;
        length = 0;
        offload = {};
        in_port = kNoPort;
        meta.parsed = false;
        tunnel.clear();
    }
};

// The packet's header offsets, parsing it the first time they are asked for.
inline const net::ParsedHeaders& ensure_parsed(Packet& p) {
    if (!p.meta.parsed) {
        net::parse_into(p.bytes(), p.meta.hdr);
        p.meta.parsed = true;
    }
    return p.meta.hdr;
}

// Give the packet back to its owner (a pool, or the port whose buffer it is).
inline void release(Packet* p) {
    if (p != nullptr) p->owner->release(p);
}

}  // namespace sy
