#pragma once
// A common-case packet's flow key in 32 bytes read straight from its headers. For a frame of
// the common shape (net/common_case.hpp) arriving on a port that is not a tunnel, every field
// of the flow key is either fixed (untagged, dl_type 0x0800, not a fragment, no tunnel,
// registers and metadata zero at ingress) or one of: in_port, the two MACs, TOS, TTL, TCP or
// UDP, the two addresses, the two ports and the TCP flags. The signature holds exactly those,
// so two such packets have equal signatures if and only if they have equal keys
// (tests/flow/header_signature_test.cpp checks both directions against extract_key). The
// flow cache's first level looks packets up by it: no parse, no 184-byte key, a 4-word hash
// and compare.

#include <cstdint>
#include <cstring>
#include <span>

#include "base/bytes.hpp"
#include "flow/ofport.hpp"
#include "net/common_case.hpp"

namespace sy::flow {

struct HeaderSignature {
    std::uint64_t w[4] = {};
    bool operator==(const HeaderSignature&) const = default;
};

namespace detail {
inline std::uint64_t load_native64(const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}
inline std::uint64_t load_native32(const std::uint8_t* p) {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
}  // namespace detail

// True, with the signature, when the frame has the common shape; false for any other frame
// (the caller extracts the full key). The caller also keeps packets that came out of a
// tunnel (their key has tunnel fields) away from it. Inline: it runs for every packet the
// flow tables classify.
inline bool header_signature(std::span<const std::uint8_t> frame, OfPort in_port,
                             HeaderSignature& out) {
    net::CommonCase c;
    if (!net::recognize_common_case(frame, c)) return false;
    const std::uint8_t* b = frame.data();
    const std::uint8_t* ip = b + 14;
    const std::uint8_t* l4 = b + c.l4;
    const bool tcp = c.ip_proto == net::kIpProtoTcp;
    const std::uint64_t tcp_flags = tcp ? load_be16(l4 + 12) & 0x0fff : 0;
    out.w[0] = detail::load_native64(b);  // dl_dst, dl_src[0..1]
    out.w[1] = detail::load_native32(b + 8) | std::uint64_t{ip[1]} << 32 |
               std::uint64_t{ip[8]} << 40 | std::uint64_t{tcp ? 0u : 1u} << 48 |
               tcp_flags << 52;                                           // dl_src[2..5], tos, ttl
    out.w[2] = detail::load_native64(ip + 12);                            // nw_src, nw_dst
    out.w[3] = detail::load_native32(l4) | std::uint64_t{in_port} << 32;  // tp_src, tp_dst
    return true;
}

inline std::uint64_t signature_hash(const HeaderSignature& s) {
    const std::uint64_t h = (s.w[0] ^ 0x9e3779b97f4a7c15ull) * (s.w[1] ^ 0xbf58476d1ce4e5b9ull) +
                            (s.w[2] ^ 0x94d049bb133111ebull) * (s.w[3] ^ 0x2545f4914f6cdd1dull);
    return (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ull ^ (h >> 32);
}

}  // namespace sy::flow
