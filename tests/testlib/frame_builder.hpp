#pragma once
// Builds Ethernet frames for tests: TCP/UDP/SCTP/ICMP over IPv4/IPv6, optional VLAN tags,
// TCP options, IPv4 fragments, payload; the L4 checksum correct, zero, a partial seed (what a
// CHECKSUM_PARTIAL sender leaves) or deliberately wrong. Checksums come from ref_checksum.hpp,
// not from src/net, so tests built on these frames check our code against independent code.
// Tests only: allocates freely.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "packet/offload_info.hpp"
#include "testlib/ref_checksum.hpp"

namespace sy::testlib {

inline constexpr std::uint8_t kTcp = 6, kUdp = 17, kSctp = 132, kIcmp = 1, kIcmpv6 = 58;
inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10,
                              kCwr = 0x80, kEce = 0x40;

enum class CsumFill {
    correct,  // a valid full checksum
    zero,     // field 0 (UDP: "no checksum" over IPv4)
    seed,     // the folded pseudo-header sum, not complemented: CHECKSUM_PARTIAL
    bad,      // the correct value XOR 0x5A5A (never accidentally valid)
};

struct FrameSpec {
    int ip_version = 4;
    std::uint8_t l4 = kTcp;
    std::vector<std::uint16_t> vlans{};  // TCIs, outermost first (TPID 0x88A8 outer when two)
    std::array<std::uint8_t, 4> ip4_src{10, 200, 0, 1};
    std::array<std::uint8_t, 4> ip4_dst{10, 200, 0, 2};
    std::array<std::uint8_t, 16> ip6_src{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    std::array<std::uint8_t, 16> ip6_dst{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    std::uint8_t ttl = 64;
    std::uint8_t tos = 0;
    std::uint16_t ip_id = 0x1234;
    bool df = true;
    std::uint16_t frag_offset = 0;  // IPv4, 8-byte units; non-zero: no L4 header is built
    bool more_fragments = false;
    std::uint16_t sport = 40000, dport = 80;
    std::uint32_t seq = 1000, ack = 2000;
    std::uint8_t tcp_flags = kAck | kPsh;
    std::uint16_t window = 65535;
    std::vector<std::uint8_t> tcp_options{};  // padded with NOPs to a multiple of 4
    std::vector<std::uint8_t> payload{};
    CsumFill csum = CsumFill::correct;
    std::uint32_t ethernet_padding = 0;  // zero bytes after the IP datagram
};

struct Frame {
    std::vector<std::uint8_t> bytes;
    std::uint32_t l3 = 0, l4 = 0, payload = 0, csum_field = 0, l3_end = 0;
    std::uint8_t proto = 0;
    int ip_version = 4;
};

// Deterministic pseudo-random payload.
inline std::vector<std::uint8_t> make_payload(std::size_t n, std::uint32_t seed = 1) {
    std::vector<std::uint8_t> v(n);
    std::uint32_t x = seed * 2654435761u + 12345;
    for (auto& b : v) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<std::uint8_t>(x >> 24);
    }
    return v;
}

inline std::uint16_t rd16(const std::vector<std::uint8_t>& b, std::size_t at) {
    return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}
inline void wr16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
    b[at] = static_cast<std::uint8_t>(v >> 8);
    b[at + 1] = static_cast<std::uint8_t>(v);
}
inline std::uint32_t rd32(const std::vector<std::uint8_t>& b, std::size_t at) {
    return (std::uint32_t{rd16(b, at)} << 16) | rd16(b, at + 2);
}

inline int l4_csum_offset(std::uint8_t proto) {
    switch (proto) {
        case kTcp:
            return 16;
        case kUdp:
            return 6;
        case kSctp:
            return 8;
        default:
            return 2;
    }
}

// The correct L4 checksum of the frame as it is now (the field's content is ignored).
// SCTP: the CRC32c as an integer. UDP: 0 is returned as 0xFFFF.
inline std::uint32_t ref_l4_checksum(const Frame& f) {
    std::vector<std::uint8_t> b(f.bytes.begin() + f.l4, f.bytes.begin() + f.l3_end);
    const std::size_t field = f.csum_field - f.l4;
    if (f.proto == kSctp) {
        std::memset(&b[field], 0, 4);
        return ref_crc32c(b.data(), b.size());
    }
    b[field] = b[field + 1] = 0;
    const bool pseudo = f.proto != kIcmp;
    const std::uint64_t start = pseudo ? ref_pseudo_sum(f.bytes.data() + f.l3, f.proto,
                                                        static_cast<std::uint32_t>(b.size()))
                                       : 0;
    std::uint16_t c = ref_checksum(b.data(), b.size(), start);
    if (f.proto == kUdp && c == 0) c = 0xFFFF;
    return c;
}

// The stored L4 checksum (SCTP: the little-endian CRC as an integer).
inline std::uint32_t stored_l4_checksum(const Frame& f) {
    if (f.proto == kSctp) {
        std::uint32_t v = 0;
        for (int i = 3; i >= 0; --i) v = (v << 8) | f.bytes[f.csum_field + i];
        return v;
    }
    return rd16(f.bytes, f.csum_field);
}

// The seed a CHECKSUM_PARTIAL sender writes: folded pseudo-header sum, not complemented.
inline std::uint16_t ref_seed(const Frame& f) {
    return ref_fold_sum(nullptr, 0,
                        ref_pseudo_sum(f.bytes.data() + f.l3, f.proto, f.l3_end - f.l4));
}

inline bool ref_ipv4_header_ok(const Frame& f) {
    if (f.ip_version != 4) return true;
    const std::size_t ihl = (f.bytes[f.l3] & 0x0F) * 4u;
    return ref_fold_sum(f.bytes.data() + f.l3, ihl) == 0xFFFF;
}

inline void write_l4_checksum(Frame& f, std::uint32_t v) {
    if (f.proto == kSctp) {
        for (int i = 0; i < 4; ++i)
            f.bytes[f.csum_field + i] = static_cast<std::uint8_t>(v >> (8 * i));
    } else {
        wr16(f.bytes, f.csum_field, static_cast<std::uint16_t>(v));
    }
}

inline void fill_l4_checksum(Frame& f, CsumFill how) {
    if (f.l4 == 0) return;  // later fragment
    switch (how) {
        case CsumFill::correct:
            write_l4_checksum(f, ref_l4_checksum(f));
            break;
        case CsumFill::zero:
            write_l4_checksum(f, 0);
            break;
        case CsumFill::seed:
            write_l4_checksum(f, f.proto == kSctp ? 0 : ref_seed(f));
            break;
        case CsumFill::bad:
            write_l4_checksum(f, ref_l4_checksum(f) ^ 0x5A5A);
            break;
    }
}

inline void fix_ipv4_header_checksum(Frame& f) {
    if (f.ip_version != 4) return;
    const std::size_t ihl = (f.bytes[f.l3] & 0x0F) * 4u;
    wr16(f.bytes, f.l3 + 10, 0);
    wr16(f.bytes, f.l3 + 10, ref_checksum(f.bytes.data() + f.l3, ihl));
}

inline Frame build_frame(const FrameSpec& s) {
    Frame f;
    f.proto = s.l4;
    f.ip_version = s.ip_version;
    auto& b = f.bytes;
    // Destination then source MAC, assigned at once: g++ 12 at -O3 reports false
    // -Wstringop-overflow/-Warray-bounds for inserts into a fresh vector (-Werror fails).
    const std::uint8_t macs[12] = {0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1};
    b.reserve(128 + s.payload.size());
    b.assign(macs, macs + 12);
    for (std::size_t i = 0; i < s.vlans.size(); ++i) {
        const std::uint16_t tpid = (s.vlans.size() > 1 && i == 0) ? 0x88A8 : 0x8100;
        b.push_back(static_cast<std::uint8_t>(tpid >> 8));
        b.push_back(static_cast<std::uint8_t>(tpid));
        b.push_back(static_cast<std::uint8_t>(s.vlans[i] >> 8));
        b.push_back(static_cast<std::uint8_t>(s.vlans[i]));
    }
    const std::uint16_t ethertype = s.ip_version == 4 ? 0x0800 : 0x86DD;
    b.push_back(static_cast<std::uint8_t>(ethertype >> 8));
    b.push_back(static_cast<std::uint8_t>(ethertype));
    f.l3 = static_cast<std::uint32_t>(b.size());

    // L4 header.
    std::vector<std::uint8_t> l4;
    const bool has_l4 = s.frag_offset == 0;
    if (has_l4) {
        if (s.l4 == kTcp) {
            std::vector<std::uint8_t> opts = s.tcp_options;
            while (opts.size() % 4) opts.push_back(1);  // NOP
            l4.resize(20 + opts.size());
            wr16(l4, 0, s.sport);
            wr16(l4, 2, s.dport);
            wr16(l4, 4, static_cast<std::uint16_t>(s.seq >> 16));
            wr16(l4, 6, static_cast<std::uint16_t>(s.seq));
            wr16(l4, 8, static_cast<std::uint16_t>(s.ack >> 16));
            wr16(l4, 10, static_cast<std::uint16_t>(s.ack));
            l4[12] = static_cast<std::uint8_t>((l4.size() / 4) << 4);
            l4[13] = s.tcp_flags;
            wr16(l4, 14, s.window);
            std::copy(opts.begin(), opts.end(), l4.begin() + 20);
        } else if (s.l4 == kUdp) {
            l4.resize(8);
            wr16(l4, 0, s.sport);
            wr16(l4, 2, s.dport);
            wr16(l4, 4, static_cast<std::uint16_t>(8 + s.payload.size()));
        } else if (s.l4 == kSctp) {
            l4.resize(12);
            wr16(l4, 0, s.sport);
            wr16(l4, 2, s.dport);
            wr16(l4, 4, 0xABCD);  // verification tag
        } else {
            l4.resize(8);  // ICMP/ICMPv6 echo request
            l4[0] = s.l4 == kIcmp ? 8 : 128;
            wr16(l4, 4, 0x0102);
            wr16(l4, 6, 0x0001);
        }
    }
    const std::uint32_t l4_total = static_cast<std::uint32_t>(l4.size() + s.payload.size());

    if (s.ip_version == 4) {
        std::vector<std::uint8_t> ip(20);
        ip[0] = 0x45;
        ip[1] = s.tos;
        wr16(ip, 2, static_cast<std::uint16_t>(20 + l4_total));
        wr16(ip, 4, s.ip_id);
        std::uint16_t frag = s.frag_offset;
        if (s.df) frag |= 0x4000;
        if (s.more_fragments) frag |= 0x2000;
        wr16(ip, 6, frag);
        ip[8] = s.ttl;
        ip[9] = s.l4;
        std::memcpy(&ip[12], s.ip4_src.data(), 4);
        std::memcpy(&ip[16], s.ip4_dst.data(), 4);
        b.insert(b.end(), ip.begin(), ip.end());
    } else {
        std::vector<std::uint8_t> ip(40);
        ip[0] = static_cast<std::uint8_t>(0x60 | (s.tos >> 4));
        ip[1] = static_cast<std::uint8_t>(s.tos << 4);
        wr16(ip, 4, static_cast<std::uint16_t>(l4_total));
        ip[6] = s.l4;
        ip[7] = s.ttl;
        std::memcpy(&ip[8], s.ip6_src.data(), 16);
        std::memcpy(&ip[24], s.ip6_dst.data(), 16);
        b.insert(b.end(), ip.begin(), ip.end());
    }
    f.l4 = has_l4 ? static_cast<std::uint32_t>(b.size()) : 0;
    b.insert(b.end(), l4.begin(), l4.end());
    f.payload = static_cast<std::uint32_t>(b.size());
    b.insert(b.end(), s.payload.begin(), s.payload.end());
    f.l3_end = static_cast<std::uint32_t>(b.size());
    b.insert(b.end(), s.ethernet_padding, 0);
    f.csum_field = has_l4 ? f.l4 + l4_csum_offset(s.l4) : 0;
    fix_ipv4_header_checksum(f);
    fill_l4_checksum(f, s.csum);
    return f;
}

// `inner` wrapped in VXLAN (VNI 42) over UDP/4789 built from `outer` (its l4 and payload are
// replaced). Returns the outer frame; `inner_shift` receives where inner's byte 0 now is.
inline Frame build_vxlan(FrameSpec outer, const Frame& inner, std::uint32_t& inner_shift) {
    outer.l4 = kUdp;
    outer.dport = 4789;
    outer.payload = {0x08, 0, 0, 0, 0, 0, 42, 0};
    outer.payload.insert(outer.payload.end(), inner.bytes.begin(), inner.bytes.end());
    Frame f = build_frame(outer);
    inner_shift = f.payload + 8;
    return f;
}

// Offload metadata a CHECKSUM_PARTIAL sender would attach (build with CsumFill::seed).
inline OffloadInfo partial_offload(const Frame& f) {
    OffloadInfo o;
    o.csum = CsumState::partial;
    o.csum_start = static_cast<std::uint16_t>(f.l4);
    o.csum_offset = static_cast<std::uint16_t>(l4_csum_offset(f.proto));
    return o;
}

// Metadata of a TSO/USO super-frame (payload larger than `mss`), checksum partial.
inline OffloadInfo gso_offload(const Frame& f, std::uint16_t mss) {
    OffloadInfo o = partial_offload(f);
    o.gso.type =
        f.proto == kUdp ? GsoType::udp_l4 : (f.ip_version == 4 ? GsoType::tcpv4 : GsoType::tcpv6);
    o.gso.size = mss;
    o.gso.hdr_len = static_cast<std::uint16_t>(f.payload);
    return o;
}

}  // namespace sy::testlib
