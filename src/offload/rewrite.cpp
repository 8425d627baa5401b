#include "offload/rewrite.hpp"

#include <cstring>

#include "base/bytes.hpp"
#include "net/checksum_update.hpp"
#include "offload/pseudo_header.hpp"
#include "packet/offload_check.hpp"

namespace sy::offload {

const char* to_string(RewriteStatus s) {
    switch (s) {
        case RewriteStatus::ok:
            return "ok";
        case RewriteStatus::parse_failed:
            return "headers do not parse";
        case RewriteStatus::not_ipv4:
            return "not IPv4";
        case RewriteStatus::not_ipv6:
            return "not IPv6";
        case RewriteStatus::no_ports:
            return "no L4 ports";
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

constexpr std::uint32_t kIpv4CsumOffset = 10;

// How to treat the L4 checksum field of the outer layers of `p`.
enum class FieldKind { none, seed, full, zero_udp };

struct L4Field {
    FieldKind kind = FieldKind::none;
    std::uint8_t* at = nullptr;
};

// The L4 checksum field a change of `pseudo` (pseudo-header) or port bytes must update.
L4Field l4_field(Packet& p, const net::HeaderLayers& l, bool pseudo_change) {
    L4Field f;
    if (l.l4 == net::kAbsent) return f;  // not the first fragment: no L4 header here
    if (pseudo_change && !csum_covers_pseudo_header(l.ip_proto)) return f;
    if (l.ip_proto != net::kIpProtoTcp && l.ip_proto != net::kIpProtoUdp &&
        l.ip_proto != net::kIpProtoIcmpv6) {
        return f;
    }
    const int off = l4_csum_field_offset(l.ip_proto);
    if (l.l4 + static_cast<std::uint32_t>(off) + 2 > p.length) return f;
    f.at = p.data() + l.l4 + off;
    if (p.offload.is_partial() && p.offload.csum_start == l.l4) {
        f.kind = FieldKind::seed;
    } else if (l.ip_proto == net::kIpProtoUdp && load_be16(f.at) == 0) {
        f.kind = FieldKind::zero_udp;
    } else {
        f.kind = FieldKind::full;
    }
    return f;
}

void update_ipv4_csum16(std::uint8_t* ip, std::uint16_t old_word, std::uint16_t new_word) {
    std::uint8_t* c = ip + kIpv4CsumOffset;
    store_be16(c, net::csum_update16(load_be16(c), old_word, new_word));
}

bool is_ipv4(const net::ParsedHeaders& parsed) {
    return parsed.ok() && parsed.outer.l3_kind == net::L3Kind::ipv4;
}
bool is_ipv6(const net::ParsedHeaders& parsed) {
    return parsed.ok() && parsed.outer.l3_kind == net::L3Kind::ipv6;
}

RewriteStatus set_ipv4_addr(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t at,
                            std::uint32_t addr) {
    if (!parsed.ok()) return RewriteStatus::parse_failed;
    if (!is_ipv4(parsed)) return RewriteStatus::not_ipv4;
    const net::HeaderLayers& l = parsed.outer;
    std::uint8_t* ip = p.data() + l.l3;
    const std::uint32_t old = load_be32(ip + at);
    if (old == addr) return RewriteStatus::ok;
    std::uint8_t* c = ip + kIpv4CsumOffset;
    store_be16(c, net::csum_update32(load_be16(c), old, addr));
    const L4Field f = l4_field(p, l, true);
    if (f.kind == FieldKind::seed) store_be16(f.at, net::seed_update32(load_be16(f.at), old, addr));
    if (f.kind == FieldKind::full) store_be16(f.at, net::csum_update32(load_be16(f.at), old, addr));
    store_be32(ip + at, addr);
    return RewriteStatus::ok;
}

RewriteStatus set_ipv6_addr(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t at,
                            const std::uint8_t addr[16]) {
    if (!parsed.ok()) return RewriteStatus::parse_failed;
    if (!is_ipv6(parsed)) return RewriteStatus::not_ipv6;
    const net::HeaderLayers& l = parsed.outer;
    std::uint8_t* field = p.data() + l.l3 + at;
    std::uint8_t old[16];
    std::memcpy(old, field, 16);
    const L4Field f = l4_field(p, l, true);
    if (f.kind == FieldKind::seed)
        store_be16(f.at, net::seed_update128(load_be16(f.at), old, addr));
    if (f.kind == FieldKind::full)
        store_be16(f.at, net::csum_update128(load_be16(f.at), old, addr));
    std::memcpy(field, addr, 16);
    return RewriteStatus::ok;
}

RewriteStatus set_port(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t at,
                       std::uint16_t port) {
    if (!parsed.ok()) return RewriteStatus::parse_failed;
    const net::HeaderLayers& l = parsed.outer;
    if (l.l4 == net::kAbsent) return RewriteStatus::no_ports;
    if (l.ip_proto == net::kIpProtoSctp) {
        // The CRC32c is computed at completion when partial; otherwise it cannot be patched.
        if (!(p.offload.is_partial() && p.offload.csum_start == l.l4)) {
            return RewriteStatus::unsupported_l4;
        }
    } else if (l.ip_proto != net::kIpProtoTcp && l.ip_proto != net::kIpProtoUdp) {
        return RewriteStatus::no_ports;
    }
    if (l.l4 + at + 2 > p.length) return RewriteStatus::no_ports;
    std::uint8_t* field = p.data() + l.l4 + at;
    const std::uint16_t old = load_be16(field);
    // Ports are not in the pseudo-header: a seed does not change (Linux
    // inet_proto_csum_replace2 with pseudohdr=false on CHECKSUM_PARTIAL is a no-op).
    const L4Field f = l4_field(p, l, false);
    if (f.kind == FieldKind::full) store_be16(f.at, net::csum_update16(load_be16(f.at), old, port));
    store_be16(field, port);
    return RewriteStatus::ok;
}

}  // namespace

RewriteStatus set_ipv4_src(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr) {
    return set_ipv4_addr(p, parsed, 12, addr);
}
RewriteStatus set_ipv4_dst(Packet& p, const net::ParsedHeaders& parsed, std::uint32_t addr) {
    return set_ipv4_addr(p, parsed, 16, addr);
}
RewriteStatus set_ipv6_src(Packet& p, const net::ParsedHeaders& parsed,
                           const std::uint8_t addr[16]) {
    return set_ipv6_addr(p, parsed, 8, addr);
}
RewriteStatus set_ipv6_dst(Packet& p, const net::ParsedHeaders& parsed,
                           const std::uint8_t addr[16]) {
    return set_ipv6_addr(p, parsed, 24, addr);
}
RewriteStatus set_l4_src_port(Packet& p, const net::ParsedHeaders& parsed, std::uint16_t port) {
    return set_port(p, parsed, 0, port);
}
RewriteStatus set_l4_dst_port(Packet& p, const net::ParsedHeaders& parsed, std::uint16_t port) {
    return set_port(p, parsed, 2, port);
}

RewriteStatus decrement_ttl(Packet& p, const net::ParsedHeaders& parsed) {
    if (!parsed.ok()) return RewriteStatus::parse_failed;
    const net::HeaderLayers& l = parsed.outer;
    std::uint8_t* ip = p.data() + l.l3;
    if (l.l3_kind == net::L3Kind::ipv6) {
        if (ip[7] <= 1) return RewriteStatus::ttl_expired;
        --ip[7];  // no IPv6 header checksum, and the hop limit is in no pseudo-header
        return RewriteStatus::ok;
    }
    if (l.l3_kind != net::L3Kind::ipv4) return RewriteStatus::not_ipv4;
    if (ip[8] <= 1) return RewriteStatus::ttl_expired;
    const std::uint16_t old_word = load_be16(ip + 8);  // TTL and protocol share a word
    --ip[8];
    update_ipv4_csum16(ip, old_word, load_be16(ip + 8));
    return RewriteStatus::ok;
}

namespace {

// Replace the traffic class (IPv4 TOS byte / IPv6 TC) with (tc & ~mask) | bits.
RewriteStatus set_traffic_class(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t mask,
                                std::uint8_t bits) {
    if (!parsed.ok()) return RewriteStatus::parse_failed;
    const net::HeaderLayers& l = parsed.outer;
    std::uint8_t* ip = p.data() + l.l3;
    if (l.l3_kind == net::L3Kind::ipv4) {
        const std::uint16_t old_word = load_be16(ip);  // version/IHL and TOS
        ip[1] = static_cast<std::uint8_t>((ip[1] & ~mask) | bits);
        update_ipv4_csum16(ip, old_word, load_be16(ip));
        return RewriteStatus::ok;
    }
    if (l.l3_kind == net::L3Kind::ipv6) {
        // Version(4) | traffic class(8) | flow label(20): the class straddles bytes 0 and 1.
        std::uint8_t tc = static_cast<std::uint8_t>(((ip[0] & 0x0F) << 4) | (ip[1] >> 4));
        tc = static_cast<std::uint8_t>((tc & ~mask) | bits);
        ip[0] = static_cast<std::uint8_t>((ip[0] & 0xF0) | (tc >> 4));
        ip[1] = static_cast<std::uint8_t>((ip[1] & 0x0F) | (tc << 4));
        return RewriteStatus::ok;
    }
    return RewriteStatus::not_ipv4;
}

}  // namespace

RewriteStatus set_dscp(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t dscp) {
    if (dscp > 63) return RewriteStatus::bad_value;
    return set_traffic_class(p, parsed, 0xFC, static_cast<std::uint8_t>(dscp << 2));
}

RewriteStatus set_ecn(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t ecn) {
    if (ecn > 3) return RewriteStatus::bad_value;
    return set_traffic_class(p, parsed, 0x03, ecn);
}

}  // namespace sy::offload
