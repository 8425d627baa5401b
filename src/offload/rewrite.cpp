// The setters: each one finds its field, checks the value and the frame, and says which
// checksums cover the field. What follows in the checksums is rewrite_checksums.cpp's job.
#include "offload/rewrite.hpp"

#include "base/bytes.hpp"
#include "net/arp.hpp"
#include "net/ethernet.hpp"
#include "net/ipv4.hpp"
#include "net/ipv6.hpp"
#include "net/l4_checksum.hpp"
#include "offload/rewrite_checksums.hpp"

namespace sy::offload {

using rewrite_detail::kCoversNothing;
using rewrite_detail::kIpv4Header;
using rewrite_detail::kL4Segment;
using rewrite_detail::kPseudoHeader;
using rewrite_detail::L4Row;
using rewrite_detail::write_field;

const char* to_string(RewriteStatus s) {
    switch (s) {
        case RewriteStatus::ok:
            return "ok";
        case RewriteStatus::parse_failed:
            return "headers do not parse";
        case RewriteStatus::not_ethernet:
            return "not Ethernet";
        case RewriteStatus::not_ip:
            return "not IP";
        case RewriteStatus::not_ipv4:
            return "not IPv4";
        case RewriteStatus::not_ipv6:
            return "not IPv6";
        case RewriteStatus::not_arp:
            return "not Ethernet/IPv4 ARP";
        case RewriteStatus::not_icmp:
            return "not ICMP";
        case RewriteStatus::no_ports:
            return "no L4 ports";
        case RewriteStatus::later_fragment:
            return "IP fragment without the L4 header";
        case RewriteStatus::unsupported_l4:
            return "L4 checksum cannot be updated in place";
        case RewriteStatus::ttl_expired:
            return "TTL expired";
        case RewriteStatus::bad_value:
            return "value out of range";
    }
    return "?";
}

namespace {

// The outer layers of a good parse. Every write is also checked against the frame with
// `inside`: a parse of some other frame must not send a write out of bounds.
const net::HeaderLayers* layers_of(const net::ParsedHeaders& parsed) {
    return parsed.ok() ? &parsed.outer : nullptr;
}
bool inside(const Packet& p, std::uint32_t at, std::uint32_t size) {
    return at != net::kAbsent && at <= p.length && size <= p.length - at;
}

RewriteStatus set_bytes(Packet& p, const net::HeaderLayers& l, std::uint32_t at,
                        const std::uint8_t* value, std::uint32_t size, unsigned coverage) {
    if (!inside(p, at, size)) return RewriteStatus::parse_failed;
    write_field(p, l, at, value, size, coverage);
    return RewriteStatus::ok;
}
RewriteStatus set_be16(Packet& p, const net::HeaderLayers& l, std::uint32_t at, std::uint16_t value,
                       unsigned coverage) {
    std::uint8_t b[2];
    store_be16(b, value);
    return set_bytes(p, l, at, b, 2, coverage);
}
RewriteStatus set_be32(Packet& p, const net::HeaderLayers& l, std::uint32_t at, std::uint32_t value,
                       unsigned coverage) {
    std::uint8_t b[4];
    store_be32(b, value);
    return set_bytes(p, l, at, b, 4, coverage);
}

// ---------------------------------------------------------------- Ethernet

RewriteStatus set_eth(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t offset,
                      const std::uint8_t mac[6]) {
    const net::HeaderLayers* l = layers_of(parsed);
    if (l == nullptr) return RewriteStatus::parse_failed;
    if (l->l2 == net::kAbsent) return RewriteStatus::not_ethernet;
    return set_bytes(p, *l, l->l2 + offset, mac, net::ethernet::kAddrLen, kCoversNothing);
}

// ---------------------------------------------------------------- IP

RewriteStatus set_ipv4_addr(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t offset,
                            std::uint32_t addr) {
    const net::HeaderLayers* l = layers_of(parsed);
    if (l == nullptr) return RewriteStatus::parse_failed;
    if (l->l3_kind != net::L3Kind::ipv4) return RewriteStatus::not_ipv4;
    return set_be32(p, *l, l->l3 + offset, addr, kIpv4Header | kPseudoHeader);
}

RewriteStatus set_ipv6_addr(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t offset,
                            const std::uint8_t addr[16]) {
    const net::HeaderLayers* l = layers_of(parsed);
    if (l == nullptr) return RewriteStatus::parse_failed;
    if (l->l3_kind != net::L3Kind::ipv6) return RewriteStatus::not_ipv6;
    unsigned coverage = kPseudoHeader;
    if (offset == net::ipv6::kDstOffset &&
        net::ipv6_pseudo_destination_offset(p.bytes(), *l) != l->l3 + offset) {
        coverage = kCoversNothing;  // a routing header names the final destination (RFC 8200 8.1)
    }
    return set_bytes(p, *l, l->l3 + offset, addr, net::ipv6::kAddrLen, coverage);
}

// The first 32-bit word of the IPv6 header: version(4) | traffic class(8) | flow label(20).
// In no checksum (IPv6 has no header checksum; the pseudo-header has neither).
RewriteStatus set_ipv6_word0(Packet& p, const net::HeaderLayers& l, std::uint32_t mask,
                             std::uint32_t bits) {
    if (!inside(p, l.l3, net::ipv6::kHeaderLen)) return RewriteStatus::parse_failed;
    const std::uint32_t word = load_be32(p.data() + l.l3);
    return set_be32(p, l, l.l3, (word & ~mask) | bits, kCoversNothing);
}

// Replace the traffic class (IPv4 TOS byte / IPv6 TC) with (tc & ~mask) | bits.
RewriteStatus set_traffic_class(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t mask,
                                std::uint8_t bits) {
    const net::HeaderLayers* l = layers_of(parsed);
    if (l == nullptr) return RewriteStatus::parse_failed;
    if (l->l3_kind == net::L3Kind::ipv4) {
        if (!inside(p, l->l3, net::ipv4::kMinHeaderLen)) return RewriteStatus::parse_failed;
        // The TOS shares its 16-bit word with version/IHL: that word is what the sum sees.
        const std::uint8_t* ip = p.data() + l->l3;
        const auto tos = static_cast<std::uint8_t>((ip[1] & ~mask) | bits);
        return set_be16(p, *l, l->l3, static_cast<std::uint16_t>(ip[0] << 8 | tos), kIpv4Header);
    }
    if (l->l3_kind == net::L3Kind::ipv6) {
        return set_ipv6_word0(p, *l, std::uint32_t{mask} << 20, std::uint32_t{bits} << 20);
    }
    return RewriteStatus::not_ip;
}

// `ttl` as a function of the current value; ttl_expired when it returns -1.
template <typename NewTtl>
RewriteStatus change_ttl(Packet& p, const net::ParsedHeaders& parsed, NewTtl new_ttl) {
    const net::HeaderLayers* l = layers_of(parsed);
    if (l == nullptr) return RewriteStatus::parse_failed;
    if (l->l3_kind == net::L3Kind::ipv4) {
        if (!inside(p, l->l3, net::ipv4::kMinHeaderLen)) return RewriteStatus::parse_failed;
        const std::uint8_t* ip = p.data() + l->l3;
        const int ttl = new_ttl(ip[net::ipv4::kTtlOffset]);
        if (ttl < 0) return RewriteStatus::ttl_expired;
        // TTL and protocol share a 16-bit word of the header checksum.
        const auto word = static_cast<std::uint16_t>(ttl << 8 | ip[net::ipv4::kProtocolOffset]);
        return set_be16(p, *l, l->l3 + net::ipv4::kTtlOffset, word, kIpv4Header);
    }
    if (l->l3_kind == net::L3Kind::ipv6) {
        if (!inside(p, l->l3, net::ipv6::kHeaderLen)) return RewriteStatus::parse_failed;
        const int hop = new_ttl(p.data()[l->l3 + net::ipv6::kHopLimitOffset]);
        if (hop < 0) return RewriteStatus::ttl_expired;
        const auto b = static_cast<std::uint8_t>(hop);  // in no pseudo-header
        return set_bytes(p, *l, l->l3 + net::ipv6::kHopLimitOffset, &b, 1, kCoversNothing);
    }
    return RewriteStatus::not_ip;
}

// ---------------------------------------------------------------- L4

RewriteStatus set_port(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t offset,
                       std::uint16_t port) {
    const net::HeaderLayers* l = layers_of(parsed);
    if (l == nullptr) return RewriteStatus::parse_failed;
    const bool ip = l->l3_kind == net::L3Kind::ipv4 || l->l3_kind == net::L3Kind::ipv6;
    const std::uint8_t proto = l->ip_proto;
    if (!ip ||
        (proto != net::kIpProtoTcp && proto != net::kIpProtoUdp && proto != net::kIpProtoSctp)) {
        return RewriteStatus::no_ports;
    }
    if (l->l4 == net::kAbsent) return RewriteStatus::later_fragment;
    // SCTP's CRC32c covers the whole datagram; a first fragment does not say how long it is.
    if (proto == net::kIpProtoSctp && rewrite_detail::plan_l4(p, *l).row == L4Row::crc32c &&
        l->is_fragment) {
        return RewriteStatus::unsupported_l4;
    }
    return set_be16(p, *l, l->l4 + offset, port, kL4Segment);
}

// The ICMP/ICMPv6 type-and-code word, with `set` applied to it.
template <typename Set>
RewriteStatus change_icmp(Packet& p, const net::ParsedHeaders& parsed, Set set) {
    const net::HeaderLayers* l = layers_of(parsed);
    if (l == nullptr) return RewriteStatus::parse_failed;
    const bool icmp = (l->l3_kind == net::L3Kind::ipv4 && l->ip_proto == net::kIpProtoIcmp) ||
                      (l->l3_kind == net::L3Kind::ipv6 && l->ip_proto == net::kIpProtoIcmpv6);
    if (!icmp) return RewriteStatus::not_icmp;
    if (l->l4 == net::kAbsent) return RewriteStatus::later_fragment;
    if (!inside(p, l->l4, 2)) return RewriteStatus::parse_failed;
    return set_be16(p, *l, l->l4, set(load_be16(p.data() + l->l4)), kL4Segment);
}

// ---------------------------------------------------------------- ARP

// Ethernet/IPv4 ARP: op at 6, sha 8, spa 14, tha 18, tpa 24.
const net::HeaderLayers* arp_layers(const Packet& p, const net::ParsedHeaders& parsed) {
    const net::HeaderLayers* l = layers_of(parsed);
    if (l == nullptr || l->l3_kind != net::L3Kind::arp ||
        !inside(p, l->l3, net::arp::kEthernetIpv4Len)) {
        return nullptr;
    }
    const std::uint8_t* a = p.data() + l->l3;
    const bool ethernet_ipv4 = net::arp::hardware_type(a) == 1 &&
                               net::arp::protocol_type(a) == net::ethernet::kTypeIpv4 &&
                               net::arp::hardware_len(a) == 6 && net::arp::protocol_len(a) == 4;
    return ethernet_ipv4 ? l : nullptr;
}

RewriteStatus set_arp_field(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t offset,
                            const std::uint8_t* value, std::uint32_t size) {
    if (!parsed.ok()) return RewriteStatus::parse_failed;
    const net::HeaderLayers* l = arp_layers(p, parsed);
    if (l == nullptr) return RewriteStatus::not_arp;
    return set_bytes(p, *l, l->l3 + offset, value, size, kCoversNothing);
}

}  // namespace

RewriteStatus set_eth_src(Packet& p, const net::ParsedHeaders& parsed, const std::uint8_t mac[6]) {
    return set_eth(p, parsed, net::ethernet::kSrcOffset, mac);
}
RewriteStatus set_eth_dst(Packet& p, const net::ParsedHeaders& parsed, const std::uint8_t mac[6]) {
    return set_eth(p, parsed, net::ethernet::kDstOffset, mac);
}

RewriteStatus set_ipv4_src(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr) {
    return set_ipv4_addr(p, parsed, net::ipv4::kSrcOffset, addr);
}
RewriteStatus set_ipv4_dst(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr) {
    return set_ipv4_addr(p, parsed, net::ipv4::kDstOffset, addr);
}
RewriteStatus set_ipv6_src(Packet& p, const net::ParsedHeaders& parsed,
                           const std::uint8_t addr[16]) {
    return set_ipv6_addr(p, parsed, net::ipv6::kSrcOffset, addr);
}
RewriteStatus set_ipv6_dst(Packet& p, const net::ParsedHeaders& parsed,
                           const std::uint8_t addr[16]) {
    return set_ipv6_addr(p, parsed, net::ipv6::kDstOffset, addr);
}

RewriteStatus set_ttl(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t ttl) {
    return change_ttl(p, parsed, [ttl](std::uint8_t) { return int{ttl}; });
}
RewriteStatus decrement_ttl(Packet& p, const net::ParsedHeaders& parsed) {
    return change_ttl(p, parsed, [](std::uint8_t ttl) { return ttl <= 1 ? -1 : ttl - 1; });
}

RewriteStatus set_tos(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t tos) {
    return set_traffic_class(p, parsed, 0xFF, tos);
}
RewriteStatus set_dscp(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t dscp) {
    if (dscp > 63) return RewriteStatus::bad_value;
    return set_traffic_class(p, parsed, 0xFC, static_cast<std::uint8_t>(dscp << 2));
}
RewriteStatus set_ecn(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t ecn) {
    if (ecn > 3) return RewriteStatus::bad_value;
    return set_traffic_class(p, parsed, 0x03, ecn);
}
RewriteStatus set_ipv6_flow_label(Packet& p, const net::ParsedHeaders& parsed,
                                  std::uint32_t label) {
    if (label > 0xFFFFF) return RewriteStatus::bad_value;
    const net::HeaderLayers* l = layers_of(parsed);
    if (l == nullptr) return RewriteStatus::parse_failed;
    if (l->l3_kind != net::L3Kind::ipv6) return RewriteStatus::not_ipv6;
    return set_ipv6_word0(p, *l, 0xFFFFF, label);
}

RewriteStatus set_l4_src_port(Packet& p, const net::ParsedHeaders& parsed, std::uint16_t port) {
    return set_port(p, parsed, 0, port);
}
RewriteStatus set_l4_dst_port(Packet& p, const net::ParsedHeaders& parsed, std::uint16_t port) {
    return set_port(p, parsed, 2, port);
}

RewriteStatus set_icmp_type(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t type) {
    return change_icmp(p, parsed, [type](std::uint16_t w) {
        return static_cast<std::uint16_t>(type << 8 | (w & 0xFF));
    });
}
RewriteStatus set_icmp_code(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t code) {
    return change_icmp(p, parsed, [code](std::uint16_t w) {
        return static_cast<std::uint16_t>((w & 0xFF00) | code);
    });
}

RewriteStatus set_arp_op(Packet& p, const net::ParsedHeaders& parsed, std::uint16_t op) {
    std::uint8_t b[2];
    store_be16(b, op);
    return set_arp_field(p, parsed, 6, b, 2);
}
RewriteStatus set_arp_spa(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr) {
    std::uint8_t b[4];
    store_be32(b, addr);
    return set_arp_field(p, parsed, 14, b, 4);
}
RewriteStatus set_arp_tpa(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr) {
    std::uint8_t b[4];
    store_be32(b, addr);
    return set_arp_field(p, parsed, 24, b, 4);
}
RewriteStatus set_arp_sha(Packet& p, const net::ParsedHeaders& parsed, const std::uint8_t mac[6]) {
    return set_arp_field(p, parsed, 8, mac, 6);
}
RewriteStatus set_arp_tha(Packet& p, const net::ParsedHeaders& parsed, const std::uint8_t mac[6]) {
    return set_arp_field(p, parsed, 18, mac, 6);
}

}  // namespace sy::offload
