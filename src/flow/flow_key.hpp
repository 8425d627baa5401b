#pragma once
// The flow key: every field a flow can match on, extracted once from a packet at ingress
// (plus the pipeline's own metadata and registers). Fixed layout of 64-bit words so that
// masked hashing and comparison are word loops (the classifier and the caches do nothing
// else). Integers are in host byte order; addresses are bytes in wire order.
//
// Absent layers are zero (an ARP frame has tp_src == 0), like OVS's struct flow, so a field
// that a packet lacks never matches a non-zero value. Which field lives where, and how the
// ovs-fields(7) views (dl_vlan, ip_dscp, icmp_type, arp_spa...) map onto this storage, is the
// field table's business (flow/field.hpp).

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sy::flow {

// nw_frag bits (ovs-fields(7) "nw_frag"): any fragment, and a fragment other than the first.
inline constexpr std::uint8_t kFragAny = 0x01;
inline constexpr std::uint8_t kFragLater = 0x02;
// vlan_tci: the tag's TCI with this bit set when the frame carries a tag (OVS's CFI/present
// convention), so "untagged" (0) differs from "VLAN 0, priority 0" (0x1000).
inline constexpr std::uint16_t kVlanPresent = 0x1000;
inline constexpr int kNumRegs = 8;

struct alignas(8) FlowKey {
    // Pipeline metadata (not in the packet's bytes).
    std::uint64_t metadata = 0;  // OpenFlow metadata (write_metadata)
    std::uint64_t tun_id = 0;    // tunnel key (VXLAN VNI, Geneve VNI) of a decapsulated packet
    std::uint32_t regs[kNumRegs] = {};
    std::uint32_t in_port = 0;  // OpenFlow number of the ingress port
    std::uint32_t tun_src = 0;  // outer IPv4 source of a decapsulated packet (0: none/IPv6)
    std::uint32_t tun_dst = 0;
    std::uint32_t pad0 = 0;
    std::uint8_t tun_ipv6_src[16] = {};
    std::uint8_t tun_ipv6_dst[16] = {};
    // L2
    std::uint8_t dl_dst[6] = {};
    std::uint8_t dl_src[6] = {};
    std::uint16_t dl_type = 0;   // EtherType after the VLAN tags
    std::uint16_t vlan_tci = 0;  // outer tag's TCI | kVlanPresent; 0: untagged
    // L3
    std::uint32_t nw_src = 0;  // IPv4 source, or ARP sender protocol address
    std::uint32_t nw_dst = 0;  // IPv4 destination, or ARP target protocol address
    std::uint8_t ipv6_src[16] = {};
    std::uint8_t ipv6_dst[16] = {};
    std::uint32_t ipv6_label = 0;  // 20-bit flow label
    std::uint8_t nw_proto = 0;     // IP protocol / IPv6 final next header; ARP opcode (low 8 bits)
    std::uint8_t nw_tos = 0;       // IPv4 TOS / IPv6 traffic class: DSCP << 2 | ECN
    std::uint8_t nw_ttl = 0;       // IPv4 TTL / IPv6 hop limit
    std::uint8_t nw_frag = 0;      // kFragAny | kFragLater
    // L4
    std::uint16_t tp_src = 0;     // TCP/UDP/SCTP source port; ICMP/ICMPv6 type
    std::uint16_t tp_dst = 0;     // ... destination port; ICMP/ICMPv6 code
    std::uint16_t tcp_flags = 0;  // 12 bits
    std::uint8_t arp_sha[6] = {};
    std::uint8_t arp_tha[6] = {};
    std::uint8_t pad1[6] = {};

    static constexpr std::size_t kWords = 23;
    const std::uint64_t* words() const { return reinterpret_cast<const std::uint64_t*>(this); }
    std::uint64_t* words() { return reinterpret_cast<std::uint64_t*>(this); }

    bool operator==(const FlowKey& o) const { return std::memcmp(this, &o, sizeof *this) == 0; }
};
static_assert(sizeof(FlowKey) == FlowKey::kWords * 8, "FlowKey must be whole 64-bit words");

// 0x05ff: the dl_type of a frame whose EtherType field is a length (OVS's FLOW_DL_TYPE_NONE).
inline constexpr std::uint16_t kDlTypeNone = 0x05ff;

// A mask has the same layout: a 1 bit means "this bit of the key matters".
using FlowMask = FlowKey;

inline FlowMask exact_mask() {
    FlowMask m;
    std::memset(static_cast<void*>(&m), 0xff, sizeof m);
    return m;
}

// key & mask, word by word.
inline FlowKey masked(const FlowKey& key, const FlowMask& mask) {
    FlowKey out;
    for (std::size_t i = 0; i < FlowKey::kWords; ++i)
        out.words()[i] = key.words()[i] & mask.words()[i];
    return out;
}

// Does `key` agree with `match_key` on every bit set in `mask`? (match_key already masked.)
inline bool matches(const FlowKey& key, const FlowKey& match_key, const FlowMask& mask) {
    std::uint64_t diff = 0;
    for (std::size_t i = 0; i < FlowKey::kWords; ++i)
        diff |= (key.words()[i] & mask.words()[i]) ^ match_key.words()[i];
    return diff == 0;
}

// Hash of key & mask (the classifier's and the megaflow cache's bucket index).
inline std::uint64_t hash_masked(const FlowKey& key, const FlowMask& mask,
                                 std::uint64_t seed = 0x9e3779b97f4a7c15ull) {
    std::uint64_t h = seed;
    for (std::size_t i = 0; i < FlowKey::kWords; ++i) {
        h ^= (key.words()[i] & mask.words()[i]) * 0xff51afd7ed558ccdull;
        h = (h << 27 | h >> 37) * 0xc4ceb9fe1a85ec53ull;
    }
    return h ^ (h >> 33);
}

inline std::uint64_t hash_key(const FlowKey& key) {
    std::uint64_t h = 0x9e3779b97f4a7c15ull;
    for (std::size_t i = 0; i < FlowKey::kWords; ++i) {
        h ^= key.words()[i] * 0xff51afd7ed558ccdull;
        h = (h << 27 | h >> 37) * 0xc4ceb9fe1a85ec53ull;
    }
    return h ^ (h >> 33);
}

// mask |= other (the megaflow mask grows as translation consults more fields).
inline void unwildcard(FlowMask& mask, const FlowMask& other) {
    for (std::size_t i = 0; i < FlowKey::kWords; ++i) mask.words()[i] |= other.words()[i];
}

}  // namespace sy::flow
