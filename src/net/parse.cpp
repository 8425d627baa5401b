// Bounds-safe header parse. Every read is preceded by a length check against the span (or a
// tighter limit: the IP datagram end, the UDP payload of a tunnel), so no input can make us
// read outside the frame. On failure the layers parsed so far stay filled in, which is what
// a forensics tool wants from a snaplen-cut capture.
#include "net/parse.hpp"

#include "base/bytes.hpp"

namespace sy::net {
namespace {

using Frame = std::span<const std::uint8_t>;

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeArp = 0x0806;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86DD;
constexpr std::uint16_t kEtherTypeTeb = 0x6558;  // Geneve: inner Ethernet frame
constexpr std::uint16_t kTpidCtag = 0x8100;
constexpr std::uint16_t kTpidStag = 0x88A8;
constexpr std::uint16_t kTpidQinqLegacy = 0x9100;

constexpr std::uint8_t kIpv6HopByHop = 0;
constexpr std::uint8_t kIpv6Routing = 43;
constexpr std::uint8_t kIpv6Fragment = 44;
constexpr std::uint8_t kIpv6Ah = 51;
constexpr std::uint8_t kIpv6DestOpts = 60;

bool has(Frame f, std::size_t off, std::size_t n) {
    return off <= f.size() && n <= f.size() - off;
}

bool is_vlan_tpid(std::uint16_t t) {
    return t == kTpidCtag || t == kTpidStag || t == kTpidQinqLegacy;
}

// Minimal L4 header lengths we require before reporting an L4 layer.
ParseStatus parse_l4(Frame f, HeaderLayers& h) {
    const std::uint32_t off = h.l4;
    // The L4 header must fit in the datagram (per its length field) and in the bytes we have.
    const std::size_t datagram_room = h.l3_end >= off ? h.l3_end - off : 0;
    auto need = [&](std::size_t n) -> ParseStatus {
        if (!has(f, off, n)) return ParseStatus::truncated_l4;
        if (n > datagram_room) return ParseStatus::bad_l4;
        return ParseStatus::ok;
    };
    switch (h.ip_proto) {
        case kIpProtoTcp: {
            if (auto s = need(20); s != ParseStatus::ok) return s;
            const std::uint32_t hlen = (f[off + 12] >> 4) * 4u;
            if (hlen < 20) return ParseStatus::bad_l4;
            if (auto s = need(hlen); s != ParseStatus::ok) return s;
            h.payload = off + hlen;
            return ParseStatus::ok;
        }
        case kIpProtoUdp: {
            if (auto s = need(8); s != ParseStatus::ok) return s;
            const std::uint16_t ulen = load_be16(&f[off + 4]);
            // A fragment's UDP length covers the whole reassembled datagram.
            if (ulen < 8 || (!h.is_fragment && ulen > datagram_room)) return ParseStatus::bad_l4;
            h.payload = off + 8;
            return ParseStatus::ok;
        }
        case kIpProtoIcmp:
        case kIpProtoIcmpv6: {
            if (auto s = need(8); s != ParseStatus::ok) return s;
            h.payload = off + 8;
            return ParseStatus::ok;
        }
        case kIpProtoSctp: {
            if (auto s = need(12); s != ParseStatus::ok) return s;
            h.payload = off + 12;
            return ParseStatus::ok;
        }
        default:
            return ParseStatus::ok;  // l4 marks where the unknown upper layer starts
    }
}

ParseStatus parse_ipv4(Frame f, std::uint32_t off, HeaderLayers& h) {
    h.l3 = off;
    h.l3_kind = L3Kind::ipv4;
    if (!has(f, off, 20)) return ParseStatus::truncated_l3;
    if ((f[off] >> 4) != 4) return ParseStatus::bad_l3;
    const std::uint32_t ihl = (f[off] & 0x0F) * 4u;
    if (ihl < 20) return ParseStatus::bad_l3;
    if (!has(f, off, ihl)) return ParseStatus::truncated_l3;
    const std::uint16_t total = load_be16(&f[off + 2]);
    if (total < ihl) return ParseStatus::bad_l3;
    h.l3_end = off + total;
    h.ip_proto = f[off + 9];
    const std::uint16_t frag = load_be16(&f[off + 6]);
    const bool more_fragments = (frag & 0x2000) != 0;
    const std::uint16_t frag_offset = frag & 0x1FFF;
    h.is_fragment = more_fragments || frag_offset != 0;
    h.is_first_fragment = h.is_fragment && frag_offset == 0;
    if (frag_offset != 0) return ParseStatus::ok;  // no L4 header in a later fragment
    h.l4 = off + ihl;
    return parse_l4(f, h);
}

ParseStatus parse_ipv6(Frame f, std::uint32_t off, HeaderLayers& h) {
    h.l3 = off;
    h.l3_kind = L3Kind::ipv6;
    if (!has(f, off, 40)) return ParseStatus::truncated_l3;
    if ((f[off] >> 4) != 6) return ParseStatus::bad_l3;
    h.l3_end = off + 40 + load_be16(&f[off + 4]);
    std::uint8_t next = f[off + 6];
    std::uint32_t cur = off + 40;
    // Each extension header is at least 8 bytes, so this loop always makes progress.
    for (;;) {
        if (next != kIpv6HopByHop && next != kIpv6Routing && next != kIpv6DestOpts &&
            next != kIpv6Fragment && next != kIpv6Ah) {
            break;
        }
        if (!has(f, cur, 8)) return ParseStatus::truncated_l3;
        std::uint32_t len;
        if (next == kIpv6Fragment) {
            len = 8;
        } else if (next == kIpv6Ah) {
            len = (f[cur + 1] + 2u) * 4u;
        } else {
            len = (f[cur + 1] + 1u) * 8u;
        }
        if (cur + len > h.l3_end) return ParseStatus::bad_l3;
        if (!has(f, cur, len)) return ParseStatus::truncated_l3;
        if (next == kIpv6Fragment) {
            const std::uint16_t frag = load_be16(&f[cur + 2]);
            const std::uint16_t frag_offset = frag >> 3;
            h.is_fragment = true;
            h.is_first_fragment = frag_offset == 0;
            if (frag_offset != 0) {
                h.ip_proto = f[cur];
                return ParseStatus::ok;
            }
        }
        next = f[cur];
        cur += len;
    }
    h.ip_proto = next;
    if (next == 59) return ParseStatus::ok;  // "No Next Header"
    h.l4 = cur;
    return parse_l4(f, h);
}

ParseStatus parse_arp(Frame f, std::uint32_t off, HeaderLayers& h) {
    h.l3 = off;
    h.l3_kind = L3Kind::arp;
    if (!has(f, off, 8)) return ParseStatus::truncated_l3;
    const std::uint32_t len = 8u + 2u * f[off + 4] + 2u * f[off + 5];
    if (!has(f, off, len)) return ParseStatus::truncated_l3;
    h.l3_end = off + len;
    return ParseStatus::ok;
}

ParseStatus parse_l3(Frame f, std::uint32_t off, HeaderLayers& h) {
    switch (h.ethertype) {
        case kEtherTypeIpv4:
            return parse_ipv4(f, off, h);
        case kEtherTypeIpv6:
            return parse_ipv6(f, off, h);
        case kEtherTypeArp:
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
        if (version == 4)
            h.ethertype = kEtherTypeIpv4;
        else if (version == 6)
            h.ethertype = kEtherTypeIpv6;
        else
            return ParseStatus::bad_l3;
        return parse_l3(f, off, h);
    }
    if (!has(f, off, 14)) return ParseStatus::truncated_l2;
    h.l2 = off;
    std::uint32_t cur = off + 12;
    std::uint16_t type = load_be16(&f[cur]);
    while (is_vlan_tpid(type)) {
        if (h.vlan_count == kMaxVlans) return ParseStatus::too_many_vlans;
        if (!has(f, cur, 6)) return ParseStatus::truncated_l2;
        h.vlan_tpid[h.vlan_count] = type;
        h.vlan_tci[h.vlan_count] = load_be16(&f[cur + 2]);
        ++h.vlan_count;
        cur += 4;
        type = load_be16(&f[cur]);
    }
    h.ethertype = type;
    return parse_l3(f, cur + 2, h);
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
    const std::uint16_t dport = load_be16(&f[o.l4 + 2]);
    if (dport != kUdpPortVxlan && dport != kUdpPortGeneve) return ParseStatus::ok;
    // The inner frame ends where the UDP datagram does (not at Ethernet padding).
    const std::size_t udp_end = std::size_t{o.l4} + load_be16(&f[o.l4 + 4]);
    const Frame udp = f.first(udp_end < f.size() ? udp_end : f.size());
    const std::uint32_t off = o.payload;
    if (!has(udp, off, 8)) return ParseStatus::truncated_tunnel;
    LinkType inner_link = LinkType::ethernet;
    std::uint32_t hlen = 8;
    if (dport == kUdpPortVxlan) {
        if ((udp[off] & 0x08) == 0) return ParseStatus::ok;  // VNI flag clear: not VXLAN
        p.tunnel = TunnelKind::vxlan;
    } else {
        if ((udp[off] >> 6) != 0) return ParseStatus::ok;  // unknown Geneve version
        hlen += (udp[off] & 0x3F) * 4u;
        const std::uint16_t proto = load_be16(&udp[off + 2]);
        p.tunnel = TunnelKind::geneve;
        p.tunnel_offset = off;
        p.vni = load_be32(&udp[off + 4]) >> 8;
        if (!has(udp, off, hlen)) return ParseStatus::truncated_tunnel;
        if (proto == kEtherTypeIpv4 || proto == kEtherTypeIpv6) {
            inner_link = LinkType::raw_ip;
        } else if (proto != kEtherTypeTeb) {
            return ParseStatus::ok;  // a payload we do not understand: no inner layers
        }
    }
    p.tunnel_offset = off;
    p.vni = load_be32(&udp[off + 4]) >> 8;
    return as_tunnel_status(parse_level(udp, off + hlen, inner_link, p.inner));
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

ParsedHeaders parse(std::span<const std::uint8_t> frame, const ParseOptions& options) {
    ParsedHeaders p;
    p.status = parse_level(frame, 0, options.link, p.outer);
    if (p.status == ParseStatus::ok && options.parse_tunnels) p.status = parse_tunnel(frame, p);
    return p;
}

}  // namespace sy::net
