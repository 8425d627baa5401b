#pragma once
// Checksum-aware header rewrites (DESIGN.md rule 2), on the outer headers of a parsed packet.
//
// Every function keeps every checksum consistent with the bytes, according to the state of
// the L4 checksum:
//  - IPv4 header checksum: always updated incrementally (RFC 1624 eqn. 3): a bad header
//    checksum stays exactly as bad (case 14, 22).
//  - partial (csum_start at this L4 header): the field holds the pseudo-header seed; address
//    changes add/subtract in the seed, port changes leave it alone (cases 18, 19).
//  - none / verified: incremental update of the full checksum; a bad one stays as bad, a
//    verified one stays right, so the state is kept (cases 21, 22).
//  - UDP with checksum field 0 ("no checksum" over IPv4; tunnels over IPv6, RFC 6935) stays
//    0 (cases 12, 30).
//  - IP fragments: only the first fragment carries the L4 header; later ones change only the
//    IP header (case 24).
// Offsets do not move, so one `parsed` serves a whole sequence of rewrites on a packet.
// No allocation, no exceptions; a status says why nothing was changed.

#include <cstdint>

#include "net/parse.hpp"
#include "packet/packet.hpp"

namespace sy::offload {

enum class RewriteStatus : std::uint8_t {
    ok,
    parse_failed,  // `parsed` does not describe a well-formed frame
    not_ipv4,      // an IPv4 rewrite on a frame without an IPv4 header
    not_ipv6,
    no_ports,        // port rewrite on a frame without TCP/UDP/SCTP ports (or a later fragment)
    unsupported_l4,  // SCTP ports on a non-partial packet: CRC32c cannot be updated in place
    ttl_expired,     // TTL/hop limit is 0 or 1: the caller drops (and may send ICMP)
    bad_value,       // DSCP > 63 or ECN > 3
};
const char* to_string(RewriteStatus s);

RewriteStatus set_ipv4_src(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr);
RewriteStatus set_ipv4_dst(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr);
RewriteStatus set_ipv6_src(Packet& p, const net::ParsedHeaders& parsed,
                           const std::uint8_t addr[16]);
RewriteStatus set_ipv6_dst(Packet& p, const net::ParsedHeaders& parsed,
                           const std::uint8_t addr[16]);
RewriteStatus set_l4_src_port(Packet& p, const net::ParsedHeaders& parsed, std::uint16_t port);
RewriteStatus set_l4_dst_port(Packet& p, const net::ParsedHeaders& parsed, std::uint16_t port);
// IPv4 TTL or IPv6 hop limit minus one; unchanged (ttl_expired) when it would reach 0.
RewriteStatus decrement_ttl(Packet& p, const net::ParsedHeaders& parsed);
// DSCP (6 bits) / ECN (2 bits) of the IPv4 TOS or IPv6 traffic class. Not part of any
// pseudo-header: only the IPv4 header checksum changes.
RewriteStatus set_dscp(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t dscp);
RewriteStatus set_ecn(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t ecn);

}  // namespace sy::offload
