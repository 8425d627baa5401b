#pragma once
// The pseudo-header sum of one parsed level of headers, whatever its IP version: what a
// partial checksum's seed holds and what a full TCP/UDP/ICMPv6 checksum starts from.

#include <cstdint>
#include <cstring>
#include <span>

#include "net/checksum.hpp"
#include "net/ipv6.hpp"
#include "net/l4_checksum.hpp"
#include "net/parse.hpp"

namespace sy::offload {

// Raw (unfolded) pseudo-header sum for `l4_length` bytes of L4 header plus payload.
// `frame` is the frame `layers` was parsed from. Returns 0 for layers that are not
// IPv4/IPv6. IPv6 uses the final destination of a routing header with segments left, as
// the receiver will (RFC 8200 section 8.1).
inline std::uint32_t pseudo_sum(std::span<const std::uint8_t> frame,
                                const net::HeaderLayers& layers, std::uint32_t l4_length) {
    const std::uint8_t* ip = frame.data() + layers.l3;
    if (layers.l3_kind == net::L3Kind::ipv4) {
        return net::ipv4_pseudo_sum(ip, layers.ip_proto, l4_length);
    }
    if (layers.l3_kind != net::L3Kind::ipv6) return 0;
    const std::uint32_t dst = net::ipv6_pseudo_destination_offset(frame, layers);
    if (dst == layers.l3 + net::ipv6::kDstOffset || dst == net::kAbsent) {
        return net::ipv6_pseudo_sum(ip, layers.ip_proto, l4_length);
    }
    // ipv6_pseudo_sum reads both addresses from a header: put them side by side.
    std::uint8_t addrs[net::ipv6::kHeaderLen] = {};
    std::memcpy(addrs + net::ipv6::kSrcOffset, ip + net::ipv6::kSrcOffset, net::ipv6::kAddrLen);
    std::memcpy(addrs + net::ipv6::kDstOffset, frame.data() + dst, net::ipv6::kAddrLen);
    return net::ipv6_pseudo_sum(addrs, layers.ip_proto, l4_length);
}

// Whether the L4 checksum of `ip_proto` covers the pseudo-header (so address and length
// changes touch it). ICMPv4 and SCTP do not.
inline bool csum_covers_pseudo_header(std::uint8_t ip_proto) {
    return ip_proto == net::kIpProtoTcp || ip_proto == net::kIpProtoUdp ||
           ip_proto == net::kIpProtoIcmpv6;
}

}  // namespace sy::offload
