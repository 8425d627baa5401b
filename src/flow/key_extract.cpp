#include "flow/key_extract.hpp"

#include <cstring>

#include "base/bytes.hpp"
#include "net/arp.hpp"
#include "net/ethernet.hpp"
#include "net/ipv4.hpp"
#include "net/ipv6.hpp"

namespace sy::flow {
namespace {

using net::HeaderLayers;
using net::kAbsent;

void ipv4_fields(const std::uint8_t* ip, const HeaderLayers& h, FlowKey& key) {
    key.nw_src = net::ipv4::src(ip);
    key.nw_dst = net::ipv4::dst(ip);
    key.nw_proto = net::ipv4::protocol(ip);
    key.nw_tos = ip[1];
    key.nw_ttl = net::ipv4::ttl(ip);
    if (h.is_fragment) key.nw_frag = h.is_first_fragment ? kFragAny : kFragAny | kFragLater;
}

void ipv6_fields(const std::uint8_t* ip, const HeaderLayers& h, net::ParseStatus status,
                 FlowKey& key) {
    std::memcpy(key.ipv6_src, net::ipv6::src(ip), 16);
    std::memcpy(key.ipv6_dst, net::ipv6::dst(ip), 16);
    const std::uint32_t first = load_be32(ip);
    key.nw_tos = static_cast<std::uint8_t>(first >> 20);
    key.ipv6_label = first & 0xfffff;
    key.nw_ttl = net::ipv6::hop_limit(ip);
    // A malformed or cut extension header chain leaves the protocol unknown (0).
    if (status != net::ParseStatus::truncated_l3 && status != net::ParseStatus::bad_l3) {
        key.nw_proto = h.ip_proto;
    }
    if (h.is_fragment) key.nw_frag = h.is_first_fragment ? kFragAny : kFragAny | kFragLater;
}

void arp_fields(const std::uint8_t* a, FlowKey& key) {
    // Only the Ethernet/IPv4 form has the fields the key holds.
    if (net::arp::hardware_type(a) != 1 || net::arp::protocol_type(a) != net::ethernet::kTypeIpv4 ||
        net::arp::hardware_len(a) != 6 || net::arp::protocol_len(a) != 4) {
        return;
    }
    const std::uint16_t op = net::arp::opcode(a);
    key.nw_proto = op <= 0xff ? static_cast<std::uint8_t>(op) : 0;
    std::memcpy(key.arp_sha, a + 8, 6);
    key.nw_src = load_be32(a + 14);
    std::memcpy(key.arp_tha, a + 18, 6);
    key.nw_dst = load_be32(a + 24);
}

void l4_fields(const std::uint8_t* l4, std::uint8_t proto, FlowKey& key) {
    switch (proto) {
        case net::kIpProtoTcp:
            key.tcp_flags = load_be16(l4 + 12) & 0x0fff;
            [[fallthrough]];
        case net::kIpProtoUdp:
        case net::kIpProtoSctp:
            key.tp_src = load_be16(l4);
            key.tp_dst = load_be16(l4 + 2);
            return;
        case net::kIpProtoIcmp:
        case net::kIpProtoIcmpv6:
            key.tp_src = l4[0];
            key.tp_dst = l4[1];
            return;
        default:
            return;
    }
}

// Zero the key with plain word stores: the struct assignment compiles to `rep stos`, whose
// start-up cost is most of the whole extraction for a 184-byte key.
inline void clear(FlowKey& key) {
    std::uint64_t* w = key.words();
#pragma GCC unroll 32
    for (std::size_t i = 0; i < FlowKey::kWords; ++i) w[i] = 0;
}

}  // namespace

void extract_key(std::span<const std::uint8_t> frame, const net::ParsedHeaders& parsed,
                 OfPort in_port, FlowKey& key) {
    clear(key);
    key.in_port = in_port;
    const HeaderLayers& h = parsed.outer;
    const std::uint8_t* f = frame.data();
    const std::size_t len = frame.size();
    if (h.l2 == kAbsent || std::size_t{h.l2} + net::ethernet::kHeaderLen > len) return;
    std::memcpy(key.dl_dst, f + h.l2, 6);
    std::memcpy(key.dl_src, f + h.l2 + 6, 6);
    if (h.vlan_count > 0) key.vlan_tci = static_cast<std::uint16_t>(h.vlan_tci[0] | kVlanPresent);
    if (parsed.status == net::ParseStatus::truncated_l2 ||
        parsed.status == net::ParseStatus::too_many_vlans) {
        return;  // the EtherType after the tags is not known
    }
    key.dl_type = h.ethertype < 0x0600 ? kDlTypeNone : h.ethertype;

    // l3_end is set once the IP header itself is whole and sane (or the ARP message fits).
    if (h.l3 == kAbsent || h.l3_end == kAbsent) return;
    const std::uint8_t* l3 = f + h.l3;
    switch (h.l3_kind) {
        case net::L3Kind::ipv4:
            ipv4_fields(l3, h, key);
            break;
        case net::L3Kind::ipv6:
            ipv6_fields(l3, h, parsed.status, key);
            break;
        case net::L3Kind::arp:
            arp_fields(l3, key);
            return;
        default:
            return;
    }
    // payload is set only when the whole L4 header is there (never for a later fragment).
    if (h.l4 != kAbsent && h.payload != kAbsent) l4_fields(f + h.l4, h.ip_proto, key);
}

void extract_key(const Packet& packet, const net::ParsedHeaders& parsed, OfPort in_port,
                 FlowKey& key) {
    extract_key(packet.bytes(), parsed, in_port, key);
    // The tunnel it came out of (tun_id, tun_src, tun_dst), as the tunnel port recorded it.
    const TunnelMeta& t = packet.tunnel;
    if (!t.present) return;
    key.tun_id = t.id;
    if (t.ipv6) {
        std::memcpy(key.tun_ipv6_src, t.src.data(), 16);
        std::memcpy(key.tun_ipv6_dst, t.dst.data(), 16);
    } else {
        key.tun_src = load_be32(t.src.data());
        key.tun_dst = load_be32(t.dst.data());
    }
}

}  // namespace sy::flow
