#pragma once
// The pseudo-header sum of one parsed level of headers, whatever its IP version: what a
// partial checksum's seed holds and what a full TCP/UDP/ICMPv6 checksum starts from.

#include <cstdint>

#include "net/checksum.hpp"
#include "net/parse.hpp"

namespace sy::offload {

// Raw (unfolded) pseudo-header sum for `l4_length` bytes of L4 header plus payload.
// `frame` is the first byte of the frame `layers` was parsed from. Returns 0 for layers that
// are not IPv4/IPv6. (IPv6 routing headers: uses the header's destination address, as
// senders that fill the seed do.)
inline std::uint32_t pseudo_sum(const std::uint8_t* frame, const net::HeaderLayers& layers,
                                std::uint32_t l4_length) {
    const std::uint8_t* ip = frame + layers.l3;
    if (layers.l3_kind == net::L3Kind::ipv4) {
        return net::ipv4_pseudo_sum(ip, layers.ip_proto, l4_length);
    }
    if (layers.l3_kind == net::L3Kind::ipv6) {
        return net::ipv6_pseudo_sum(ip, layers.ip_proto, l4_length);
    }
    return 0;
}

// Whether the L4 checksum of `ip_proto` covers the pseudo-header (so address and length
// changes touch it). ICMPv4 and SCTP do not.
inline bool csum_covers_pseudo_header(std::uint8_t ip_proto) {
    return ip_proto == net::kIpProtoTcp || ip_proto == net::kIpProtoUdp ||
           ip_proto == net::kIpProtoIcmpv6;
}

}  // namespace sy::offload
