#pragma once
// Moving test frames in and out of pool packets. Tests only.

#include <cstring>
#include <vector>

#include "packet/packet_pool.hpp"
#include "testlib/frame_builder.hpp"

namespace sy::testlib {

// A packet from `pool` holding `f`'s bytes and `offload`; nullptr if it does not fit.
inline Packet* load_packet(PacketPool& pool, const Frame& f, const OffloadInfo& offload = {}) {
    Packet* p = pool.alloc();
    if (p == nullptr) return nullptr;
    if (!p->resize(static_cast<std::uint32_t>(f.bytes.size()))) {
        pool.free(p);
        return nullptr;
    }
    std::memcpy(p->data(), f.bytes.data(), f.bytes.size());
    p->offload = offload;
    return p;
}

// The same for plain bytes.
inline Packet* load_packet(PacketPool& pool, const std::vector<std::uint8_t>& bytes) {
    Packet* p = pool.alloc();
    if (p == nullptr) return nullptr;
    if (!p->resize(static_cast<std::uint32_t>(bytes.size()))) {
        pool.free(p);
        return nullptr;
    }
    std::memcpy(p->data(), bytes.data(), bytes.size());
    return p;
}

// `p`'s bytes described with the offsets of `layout` (a frame with the same headers, e.g. the
// super-frame a segment was cut from); l3_end from the IP length field.
inline Frame frame_of(const Packet& p, const Frame& layout) {
    Frame f = layout;
    f.bytes.assign(p.data(), p.data() + p.length);
    const std::uint32_t ip_len =
        f.ip_version == 4 ? rd16(f.bytes, f.l3 + 2) : 40u + rd16(f.bytes, f.l3 + 4);
    f.l3_end = f.l3 + ip_len;
    return f;
}

inline bool l4_checksum_ok(const Frame& f) {
    return stored_l4_checksum(f) == ref_l4_checksum(f);
}

}  // namespace sy::testlib
