#pragma once
// A common-case packet's flow key in 32 bytes read straight from its headers. For a frame of
// the shape nearly all traffic has (untagged Ethernet, IPv4 without options, not a fragment,
// a whole TCP or UDP header inside the datagram, UDP not to a tunnel port) arriving on a port
// that is not a tunnel, every field of the flow key is either fixed (dl_type 0x0800, no VLAN,
// no fragment, no tunnel, registers and metadata zero at ingress) or sits at a fixed offset:
// the two MACs, TOS, TTL, the protocol, the two addresses, the two ports, the TCP flags, and
// in_port. The signature holds exactly those, so two such packets have equal signatures if
// and only if they have equal keys (tests/flow/header_signature_test.cpp checks both
// directions against extract_key, and fuzz_flow_key does on mutated frames). The flow cache's
// first level looks packets up by it: no parse, no 184-byte key, a 4-word hash and compare.
//
// Only IHL 5: with options the L4 header moves and the signature would cost the general
// recognizer's dependent loads; such frames (rare) take the key path, which is always right.
//
// A second, simpler shape: an untagged frame whose EtherType is none the parser looks behind
// (not IPv4, IPv6, ARP or a VLAN tag: LLDP, a length field, any other protocol), whose key
// is just in_port, the MACs and dl_type.

#include <bit>
#include <cstdint>
#include <cstring>
#include <span>

#include "flow/flow_key.hpp"
#include "flow/ofport.hpp"
#include "net/ethernet.hpp"
#include "net/geneve.hpp"
#include "net/parse.hpp"
#include "net/vlan.hpp"
#include "net/vxlan.hpp"

namespace sy::flow {

struct HeaderSignature {
    std::uint64_t w[4] = {};
    bool operator==(const HeaderSignature&) const = default;
};

namespace detail {
static_assert(std::endian::native == std::endian::little,
              "the signature's masks are written for little-endian loads");
template <class T>
inline T load_native(const std::uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
}  // namespace detail

// The IPv4 shape, for a frame header_signature found EtherType 0x0800 in (and an in_port
// that fits in 24 bits). Inline: it runs for every packet the flow tables classify, so the
// IPv4 checks are made on whole words
// (offsets: Ethernet 0-13, IPv4 14-33, L4 from 34). The branches stay: they are predicted
// right nearly always, and a branch-free version that computed every check was slower
// (datapath_bench flows 0.62-0.67x NORMAL against 0.73-0.75x).
inline bool ipv4_signature(std::span<const std::uint8_t> frame, OfPort in_port,
                           HeaderSignature& out) {
    using detail::load_native;
    constexpr std::size_t kL4 = 34;  // 14 + a 20-byte IPv4 header
    const std::size_t len = frame.size();
    if (len < kL4 + 8) return false;  // 8: a UDP header
    const std::uint8_t* b = frame.data();
    // Bytes 12-19: EtherType, version/IHL, TOS, total length, ID. 20-27: flags/fragment
    // offset, TTL, protocol, header checksum, nw_src's first half.
    const auto w12 = load_native<std::uint64_t>(b + 12);
    const auto w20 = load_native<std::uint64_t>(b + 20);
    const bool ipv4_no_options = (w12 & 0xffffff) == 0x450008;  // 08 00 45
    const bool not_fragment = (w20 & 0xff3f) == 0;              // MF and offset clear
    const std::uint32_t total = std::uint32_t{b[16]} << 8 | b[17];
    const std::uint8_t proto = b[23];
    std::uint64_t tcp_flags = 0;
    bool l4_fits;
    if (proto == net::kIpProtoTcp) {
        if (len < kL4 + 20) return false;
        const std::uint32_t hlen = std::uint32_t{b[kL4 + 12]} >> 4 << 2;
        l4_fits = hlen >= 20 && len >= kL4 + hlen && total >= 20 + hlen;
        tcp_flags = load_native<std::uint16_t>(b + kL4 + 12) & 0xff0f;  // the 12 flag bits
    } else if (proto == net::kIpProtoUdp) {
        const std::uint32_t ulen = std::uint32_t{b[kL4 + 4]} << 8 | b[kL4 + 5];
        const std::uint32_t dport = std::uint32_t{b[kL4 + 2]} << 8 | b[kL4 + 3];
        l4_fits = ulen >= 8 && total >= 20 + ulen && dport != net::vxlan::kUdpPort &&
                  dport != net::geneve::kUdpPort;
    } else {
        return false;
    }
    out.w[0] = load_native<std::uint64_t>(b);  // dl_dst, dl_src[0..1]
    // dl_src[2..5], in_port where EtherType and version/IHL were (fixed here), TOS.
    out.w[1] = (load_native<std::uint64_t>(b + 8) & 0xff000000ffffffffull) | std::uint64_t{in_port}
                                                                                 << 32;
    out.w[2] = load_native<std::uint64_t>(b + 26);  // nw_src, nw_dst
    // tp_src, tp_dst; TTL, protocol; TCP flags (0 for UDP).
    out.w[3] = load_native<std::uint32_t>(b + kL4) | (w20 >> 16 & 0xffff) << 32 | tcp_flags << 48;
    return ipv4_no_options & not_fragment & l4_fits;
}

// True, with the signature, when the frame has one of the two shapes above and in_port fits
// in 24 bits; false for any other frame (the caller extracts the full key). The caller also
// keeps packets that came out of a tunnel (their key has tunnel fields) away from it.
inline bool header_signature(std::span<const std::uint8_t> frame, OfPort in_port,
                             HeaderSignature& out) {
    if (frame.size() < 14 || in_port >= (1u << 24)) return false;
    const std::uint8_t* b = frame.data();
    const std::uint32_t type = std::uint32_t{b[12]} << 8 | b[13];
    if (type == net::ethernet::kTypeIpv4) return ipv4_signature(frame, in_port, out);
    // IPv6, ARP and VLAN tags put more than the Ethernet header into the key.
    if (type == net::ethernet::kTypeIpv6 || type == net::ethernet::kTypeArp ||
        net::vlan::is_tpid(static_cast<std::uint16_t>(type)))
        return false;
    // Any other EtherType: the key is in_port, the MACs and dl_type (kDlTypeNone for an 802.3
    // length field). w[3] = 0 tells it from every IPv4 signature (theirs holds the protocol).
    out.w[0] = detail::load_native<std::uint64_t>(b);  // dl_dst, dl_src[0..1]
    out.w[1] = detail::load_native<std::uint32_t>(b + 8) | std::uint64_t{in_port} << 32;
    out.w[2] = type < 0x0600 ? kDlTypeNone : type;
    out.w[3] = 0;
    return true;
}

// One 64 x 128-bit multiply of the signature folded to two words, both halves of the product
// xored (wyhash's "mum"): every input bit reaches the set index and the tag, for a third of
// the instructions of a multiply per word.
inline std::uint64_t signature_hash(const HeaderSignature& s) {
    const unsigned __int128 m =
        static_cast<unsigned __int128>(s.w[0] ^ s.w[2] ^ 0xa0761d6478bd642full) *
        (s.w[1] ^ s.w[3] ^ 0xe7037ed1a0b428dbull);
    return static_cast<std::uint64_t>(m) ^ static_cast<std::uint64_t>(m >> 64);
}

}  // namespace sy::flow
