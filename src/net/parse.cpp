// Bounds-safe header parse. Every read is preceded by a length check against the span (or a
// tighter limit: the UDP datagram of a tunnel), so no input can make us read outside the
// frame. On failure the layers parsed so far stay filled in, which is what a forensics tool
// wants from a snaplen-cut capture.
#include "net/parse.hpp"

#include "net/arp.hpp"
#include "net/common_case.hpp"
#include "net/ethernet.hpp"
#include "net/geneve.hpp"
#include "net/icmp.hpp"
#include "net/ipv4.hpp"
#include "net/ipv6.hpp"
#include "net/tcp.hpp"
#include "net/udp.hpp"
#include "net/vlan.hpp"
#include "net/vxlan.hpp"

namespace sy::net {
namespace {

using Frame = std::span<const std::uint8_t>;

constexpr std::uint32_t kSctpHeaderLen = 12;

bool has(Frame f, std::size_t off, std::size_t n) {
    return off <= f.size() && n <= f.size() - off;
}

// The L4 header must fit in the bytes we have (else truncated) and in the IP datagram as
// its length field declares it (else malformed).
ParseStatus parse_l4(Frame f, HeaderLayers& h) {
    const std::uint32_t off = h.l4;
    const std::size_t datagram_room = h.l3_end >= off ? h.l3_end - off : 0;
    auto need = [&](std::size_t n) {
        if (!has(f, off, n)) return ParseStatus::truncated_l4;
        if (n > datagram_room) return ParseStatus::bad_l4;
        return ParseStatus::ok;
    };
    switch (h.ip_proto) {
        case kIpProtoTcp: {
            if (auto s = need(tcp::kMinHeaderLen); s != ParseStatus::ok) return s;
            const std::uint32_t hlen = tcp::header_len(&f[off]);
            if (hlen < tcp::kMinHeaderLen) return ParseStatus::bad_l4;
            if (auto s = need(hlen); s != ParseStatus::ok) return s;
            h.payload = off + hlen;
            return ParseStatus::ok;
        }
        case kIpProtoUdp: {
            if (auto s = need(udp::kHeaderLen); s != ParseStatus::ok) return s;
            const std::uint16_t ulen = udp::length(&f[off]);
            // A fragment's UDP length covers the whole reassembled datagram.
            if (ulen < udp::kHeaderLen || (!h.is_fragment && ulen > datagram_room)) {
                return ParseStatus::bad_l4;
            }
            h.payload = off + udp::kHeaderLen;
            return ParseStatus::ok;
        }
        case kIpProtoIcmp:
        case kIpProtoIcmpv6: {
            if (auto s = need(icmp::kHeaderLen); s != ParseStatus::ok) return s;
            h.payload = off + icmp::kHeaderLen;
            return ParseStatus::ok;
        }
        case kIpProtoSctp: {
            if (auto s = need(kSctpHeaderLen); s != ParseStatus::ok) return s;
            h.payload = off + kSctpHeaderLen;
            return ParseStatus::ok;
        }
        default:
            return ParseStatus::ok;  // l4 marks where the unknown upper layer starts
    }
}

ParseStatus parse_ipv4(Frame f, std::uint32_t off, HeaderLayers& h) {
    h.l3 = off;
    h.l3_kind = L3Kind::ipv4;
    if (!has(f, off, ipv4::kMinHeaderLen)) return ParseStatus::truncated_l3;
    const std::uint8_t* ip = &f[off];
    if (ipv4::version(ip) != 4) return ParseStatus::bad_l3;
    const std::uint32_t ihl = ipv4::header_len(ip);
    if (ihl < ipv4::kMinHeaderLen) return ParseStatus::bad_l3;
    if (!has(f, off, ihl)) return ParseStatus::truncated_l3;
    const std::uint16_t total = ipv4::total_length(ip);
    if (total < ihl) return ParseStatus::bad_l3;
    h.l3_end = off + total;
    h.ip_proto = ipv4::protocol(ip);
    const std::uint16_t frag_offset = ipv4::fragment_offset(ip);
    h.is_fragment = ipv4::more_fragments(ip) || frag_offset != 0;
    h.is_first_fragment = h.is_fragment && frag_offset == 0;
    if (frag_offset != 0) return ParseStatus::ok;  // no L4 header in a later fragment
    h.l4 = off + ihl;
    return parse_l4(f, h);
}

ParseStatus parse_ipv6(Frame f, std::uint32_t off, HeaderLayers& h) {
    h.l3 = off;
    h.l3_kind = L3Kind::ipv6;
    if (!has(f, off, ipv6::kHeaderLen)) return ParseStatus::truncated_l3;
    if (ipv6::version(&f[off]) != 6) return ParseStatus::bad_l3;
    h.l3_end = off + ipv6::kHeaderLen + ipv6::payload_length(&f[off]);
    std::uint8_t next = ipv6::next_header(&f[off]);
    std::uint32_t cur = off + ipv6::kHeaderLen;
    // Each extension header is at least 8 bytes, so this loop always makes progress.
    while (ipv6::is_extension_header(next)) {
        if (!has(f, cur, ipv6::kMinExtHeaderLen)) return ParseStatus::truncated_l3;
        const std::uint32_t len = ipv6::extension_header_len(next, &f[cur]);
        if (cur + len > h.l3_end) return ParseStatus::bad_l3;
        if (!has(f, cur, len)) return ParseStatus::truncated_l3;
        if (next == ipv6::kFragment) {
            // An atomic fragment (offset 0, no more fragments) is a whole datagram (RFC 6946).
            const std::uint16_t frag_offset = ipv6::fragment_offset(&f[cur]);
            h.is_fragment = frag_offset != 0 || ipv6::more_fragments(&f[cur]);
            h.is_first_fragment = h.is_fragment && frag_offset == 0;
            if (frag_offset != 0) {
                h.ip_proto = f[cur];
                return ParseStatus::ok;  // no L4 header in a later fragment
            }
        }
        next = f[cur];
        cur += len;
    }
    h.ip_proto = next;
    if (next == ipv6::kNoNextHeader) return ParseStatus::ok;
    h.l4 = cur;
    return parse_l4(f, h);
}

ParseStatus parse_arp(Frame f, std::uint32_t off, HeaderLayers& h) {
    h.l3 = off;
    h.l3_kind = L3Kind::arp;
    if (!has(f, off, arp::kFixedLen)) return ParseStatus::truncated_l3;
    const std::uint32_t len = arp::message_len(&f[off]);
    if (!has(f, off, len)) return ParseStatus::truncated_l3;
    h.l3_end = off + len;
    return ParseStatus::ok;
}

ParseStatus parse_l3(Frame f, std::uint32_t off, HeaderLayers& h) {
    switch (h.ethertype) {
        case ethernet::kTypeIpv4:
            return parse_ipv4(f, off, h);
        case ethernet::kTypeIpv6:
            return parse_ipv6(f, off, h);
        case ethernet::kTypeArp:
            return parse_arp(f, off, h);
        default:
            h.l3 = off;
            h.l3_kind = L3Kind::other;
            return ParseStatus::ok;
    }
}

ParseStatus parse_level(Frame f, std::uint32_t off, LinkType link, HeaderLayers& h) {
    if (link == LinkType::raw_ip) {
        if (!has(f, off, 1)) return ParseStatus::truncated_l3;
        const int version = f[off] >> 4;
        if (version == 4) {
            h.ethertype = ethernet::kTypeIpv4;
        } else if (version == 6) {
            h.ethertype = ethernet::kTypeIpv6;
        } else {
            return ParseStatus::bad_l3;
        }
        return parse_l3(f, off, h);
    }
    if (!has(f, off, ethernet::kHeaderLen)) return ParseStatus::truncated_l2;
    h.l2 = off;
    std::uint32_t type_at = off + ethernet::kTypeOffset;
    std::uint16_t type = load_be16(&f[type_at]);
    while (vlan::is_tpid(type)) {
        if (h.vlan_count == kMaxVlans) return ParseStatus::too_many_vlans;
        // The tag plus the EtherType that follows it.
        if (!has(f, type_at, vlan::kTagLen + 2)) return ParseStatus::truncated_l2;
        h.vlan_tpid[h.vlan_count] = type;
        h.vlan_tci[h.vlan_count] = vlan::tci(&f[type_at]);
        ++h.vlan_count;
        type = vlan::inner_type(&f[type_at]);
        type_at += vlan::kTagLen;
    }
    h.ethertype = type;
    return parse_l3(f, type_at + 2, h);
}

// Inner-frame truncation is reported as a truncated tunnel; malformed inner headers keep
// their own status.
ParseStatus as_tunnel_status(ParseStatus s) {
    switch (s) {
        case ParseStatus::truncated_l2:
        case ParseStatus::truncated_l3:
        case ParseStatus::truncated_l4:
            return ParseStatus::truncated_tunnel;
        default:
            return s;
    }
}

ParseStatus parse_tunnel(Frame f, ParsedHeaders& p) {
    const HeaderLayers& o = p.outer;
    if (o.ip_proto != kIpProtoUdp || o.payload == kAbsent || o.is_fragment) return ParseStatus::ok;
    const std::uint16_t dport = udp::dst_port(&f[o.l4]);
    if (dport != vxlan::kUdpPort && dport != geneve::kUdpPort) return ParseStatus::ok;
    // The inner frame ends where the UDP datagram does (not at Ethernet padding).
    const std::size_t udp_end = std::size_t{o.l4} + udp::length(&f[o.l4]);
    const Frame udp = f.first(udp_end < f.size() ? udp_end : f.size());
    const std::uint32_t off = o.payload;
    // VXLAN's header and Geneve's base header are both 8 bytes with the VNI in bytes 4-6.
    if (!has(udp, off, vxlan::kHeaderLen)) return ParseStatus::truncated_tunnel;
    LinkType inner_link = LinkType::ethernet;
    std::uint32_t hlen = vxlan::kHeaderLen;
    if (dport == vxlan::kUdpPort) {
        if (!vxlan::vni_valid(&udp[off])) return ParseStatus::ok;  // not VXLAN after all
        p.tunnel = TunnelKind::vxlan;
    } else {
        if (geneve::version(&udp[off]) != 0) return ParseStatus::ok;  // unknown version
        p.tunnel = TunnelKind::geneve;
        hlen = geneve::header_len(&udp[off]);
        const std::uint16_t proto = geneve::protocol(&udp[off]);
        if (proto == ethernet::kTypeIpv4 || proto == ethernet::kTypeIpv6) {
            inner_link = LinkType::raw_ip;
        } else if (proto != ethernet::kTypeTransparentBridging) {
            hlen = 0;  // a payload we do not understand: tunnel, but no inner layers
        }
    }
    p.tunnel_offset = off;
    p.vni = vxlan::vni(&udp[off]);
    if (hlen == 0) return ParseStatus::ok;
    if (!has(udp, off, hlen)) return ParseStatus::truncated_tunnel;
    return as_tunnel_status(parse_level(udp, off + hlen, inner_link, p.inner));
}

// Back to a default-constructed state with plain stores (assigning `ParsedHeaders{}` may
// build a temporary and copy it).
void reset(HeaderLayers& h) {
    h.l2 = h.l3 = h.l4 = h.payload = h.l3_end = kAbsent;
    h.ethertype = 0;
    h.vlan_count = 0;
    for (int i = 0; i < kMaxVlans; ++i) h.vlan_tpid[i] = h.vlan_tci[i] = 0;
    h.l3_kind = L3Kind::none;
    h.ip_proto = 0;
    h.is_fragment = h.is_first_fragment = false;
}

void reset(ParsedHeaders& p) {
    p.status = ParseStatus::ok;
    reset(p.outer);
    p.tunnel = TunnelKind::none;
    p.tunnel_offset = kAbsent;
    p.vni = 0;
    reset(p.inner);
}

// The common case (net/common_case.hpp) without the general parse; where it applies the
// result is exactly the general parse's (tests/net/parse_test.cpp compares the two).
bool parse_common_case(Frame f, ParsedHeaders& p) {
    CommonCase c;
    if (!recognize_common_case(f, c)) return false;
    reset(p);
    HeaderLayers& h = p.outer;
    h.l2 = 0;
    h.l3 = ethernet::kHeaderLen;
    h.l4 = c.l4;
    h.payload = c.payload;
    h.l3_end = c.l3_end;
    h.ethertype = ethernet::kTypeIpv4;
    h.l3_kind = L3Kind::ipv4;
    h.ip_proto = c.ip_proto;
    return true;
}

}  // namespace

const char* to_string(ParseStatus s) {
    switch (s) {
        case ParseStatus::ok:
            return "ok";
        case ParseStatus::truncated_l2:
            return "truncated_l2";
        case ParseStatus::too_many_vlans:
            return "too_many_vlans";
        case ParseStatus::truncated_l3:
            return "truncated_l3";
        case ParseStatus::bad_l3:
            return "bad_l3";
        case ParseStatus::truncated_l4:
            return "truncated_l4";
        case ParseStatus::bad_l4:
            return "bad_l4";
        case ParseStatus::truncated_tunnel:
            return "truncated_tunnel";
    }
    return "unknown";
}

void parse_into(std::span<const std::uint8_t> frame, ParsedHeaders& p,
                const ParseOptions& options) {
    if (options.common_case_fast && options.link == LinkType::ethernet &&
        parse_common_case(frame, p)) {
        return;
    }
    reset(p);
    p.status = parse_level(frame, 0, options.link, p.outer);
    if (p.status == ParseStatus::ok && options.parse_tunnels) p.status = parse_tunnel(frame, p);
}

ParsedHeaders parse(std::span<const std::uint8_t> frame, const ParseOptions& options) {
    ParsedHeaders p;
    parse_into(frame, p, options);
    return p;
}

}  // namespace sy::net
