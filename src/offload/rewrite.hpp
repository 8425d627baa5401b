#pragma once
// Checksum-aware set-field rewrites on the outer headers of a parsed packet: one function per
// field a flow action can set (docs/checksum-contract.md, "Rewrites", has the full table;
// offload/rewrite_checksums.hpp implements it).
//
// Every function keeps every checksum consistent with the bytes, whatever the state:
//  - IPv4 header checksum: always updated incrementally (RFC 1624 eqn. 3), so a right one
//    stays right and a wrong one stays exactly as wrong (cases 14, 22).
//  - partial at the outer L4 header (the field holds the pseudo-header seed): an address
//    adds/subtracts in the seed (TCP, UDP, ICMPv6); ports and ICMP type/code leave it alone,
//    egress sums them (Linux inet_proto_csum_replace* semantics, cases 18, 19).
//  - none: RFC 1624 eqn. 3 on the full checksum, a bad one stays exactly as bad (case 21);
//    SCTP's CRC32c is re-derived from the changed bytes alone, its error kept (XOR).
//  - verified: a change of anything the L4 checksum covers ends the mark. The packet becomes
//    partial with the seed recomputed from the new headers, for egress to finish or offload
//    (OVS's way for GOOD packets, cases 18, 22); where it cannot be partial (a fragment, a
//    UDP field 0) the checksum is updated as for none and the state becomes none. Changes the
//    L4 checksum does not cover (Ethernet, TTL, TOS, flow label; addresses under ICMP/SCTP)
//    keep the mark: the bytes it vouches for are untouched.
//  - UDP field 0 stays 0: IPv4 "no checksum" (case 12); IPv6 "invalid", not fixed (case 13).
//    An updated UDP checksum that comes out 0 is written 0xFFFF (the same number).
//  - IP fragments: the first fragment's L4 checksum (over the whole datagram) is updated; a
//    later fragment has no L4 header, so only its IP header changes and its payload bytes
//    are untouched (case 24). L4 setters refuse later fragments (later_fragment).
//  - TSO/USO super-frames: the headers are the template every segment copies, and egress
//    recomputes per-segment lengths and checksums, so rewriting the super-frame is enough.
//  - IPv6 destination with a routing header (segments left): the pseudo-header uses the
//    final destination, so the L4 checksum does not change.
//
// None of these functions moves an offset or changes a length: one `parsed` (taken at
// ingress) serves a whole list of actions on a packet. (VLAN push/pop, which do move
// offsets, live in l2/vlan.hpp.) No allocation, no exceptions; when nothing was changed the
// status says why. Setting a field to the value it has changes nothing (ok).

#include <cstdint>

#include "net/parse.hpp"
#include "packet/packet.hpp"

namespace sy::offload {

enum class RewriteStatus : std::uint8_t {
    ok,
    parse_failed,    // `parsed` does not describe a well-formed frame (or not this one)
    not_ethernet,    // an Ethernet rewrite on a frame without an Ethernet header (raw IP)
    not_ip,          // an IP rewrite (TTL, TOS) on a frame without an IPv4/IPv6 header
    not_ipv4,        // an IPv4 rewrite on a frame without an IPv4 header
    not_ipv6,        // an IPv6 rewrite on a frame without an IPv6 header
    not_arp,         // an ARP rewrite on a frame without an Ethernet/IPv4 ARP message
    not_icmp,        // ICMP type/code on a frame that is not ICMP (IPv4) or ICMPv6 (IPv6)
    no_ports,        // a port rewrite on a frame that is not TCP/UDP/SCTP
    later_fragment,  // an L4 rewrite on an IP fragment that does not carry the L4 header
    unsupported_l4,  // SCTP ports on a first fragment (its CRC covers bytes not in it)
    ttl_expired,     // decrement: TTL/hop limit is 0 or 1; the caller drops (and may send ICMP)
    bad_value,       // DSCP > 63, ECN > 3, flow label > 0xFFFFF
};
const char* to_string(RewriteStatus s);

// Ethernet (mod_dl_src/mod_dl_dst, eth_src/eth_dst). No checksum covers them.
RewriteStatus set_eth_src(Packet& p, const net::ParsedHeaders& parsed, const std::uint8_t mac[6]);
RewriteStatus set_eth_dst(Packet& p, const net::ParsedHeaders& parsed, const std::uint8_t mac[6]);

// Addresses (mod_nw_src/dst, ip_src/dst, ipv6_src/dst); values in host order / 16 bytes.
RewriteStatus set_ipv4_src(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr);
RewriteStatus set_ipv4_dst(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr);
RewriteStatus set_ipv6_src(Packet& p, const net::ParsedHeaders& parsed,
                           const std::uint8_t addr[16]);
RewriteStatus set_ipv6_dst(Packet& p, const net::ParsedHeaders& parsed,
                           const std::uint8_t addr[16]);

// IPv4 TTL or IPv6 hop limit (mod_nw_ttl, nw_ttl): any value, 0 included.
RewriteStatus set_ttl(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t ttl);
// dec_ttl: minus one; unchanged (ttl_expired) when it would reach 0.
RewriteStatus decrement_ttl(Packet& p, const net::ParsedHeaders& parsed);

// IPv4 TOS / IPv6 traffic class: the whole byte (nw_tos_full), DSCP = the upper 6 bits
// (ip_dscp; mod_nw_tos:T is set_dscp(T >> 2)), ECN = the lower 2 (nw_ecn, mod_nw_ecn).
RewriteStatus set_tos(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t tos);
RewriteStatus set_dscp(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t dscp);
RewriteStatus set_ecn(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t ecn);
// IPv6 flow label (ipv6_label), 20 bits.
RewriteStatus set_ipv6_flow_label(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t label);

// TCP/UDP/SCTP ports (mod_tp_src/dst, tcp_/udp_/sctp_src/dst).
RewriteStatus set_l4_src_port(Packet& p, const net::ParsedHeaders& parsed, std::uint16_t port);
RewriteStatus set_l4_dst_port(Packet& p, const net::ParsedHeaders& parsed, std::uint16_t port);

// ICMP type/code of ICMP over IPv4 (icmp_type/icmp_code) or ICMPv6 over IPv6
// (icmpv6_type/icmpv6_code). The message's meaning is the caller's business.
RewriteStatus set_icmp_type(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t type);
RewriteStatus set_icmp_code(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t code);

// ARP over Ethernet/IPv4 (arp_op, arp_spa/tpa, arp_sha/tha). No checksum covers them.
RewriteStatus set_arp_op(Packet& p, const net::ParsedHeaders& parsed, std::uint16_t op);
RewriteStatus set_arp_spa(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr);
RewriteStatus set_arp_tpa(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr);
RewriteStatus set_arp_sha(Packet& p, const net::ParsedHeaders& parsed, const std::uint8_t mac[6]);
RewriteStatus set_arp_tha(Packet& p, const net::ParsedHeaders& parsed, const std::uint8_t mac[6]);

}  // namespace sy::offload
