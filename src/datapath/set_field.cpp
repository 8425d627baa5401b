#include "datapath/set_field.hpp"

#include <algorithm>

#include "base/bytes.hpp"
#include "offload/rewrite.hpp"

namespace sy::datapath {

namespace {

using flow::FieldId;
using offload::RewriteStatus;

template <std::size_t N>
void to_bytes(flow::FieldValue v, std::uint8_t (&out)[N]) {
    for (int i = static_cast<int>(N) - 1; i >= 0; --i) {
        out[i] = static_cast<std::uint8_t>(v);
        v >>= 8;
    }
}

// The outer 802.1Q tag's TCI, rewritten in place (no tag: nothing to rewrite, as OpenFlow
// 1.3's set_field on vlan_vid requires a tag).
bool set_tci(Packet& p, std::uint16_t tci, std::uint16_t mask) {
    const net::ParsedHeaders& h = ensure_parsed(p);
    if (h.outer.vlan_count == 0 || p.length < 18) return false;
    std::uint8_t* at = p.data() + 14;
    store_be16(at, static_cast<std::uint16_t>((load_be16(at) & ~mask) | (tci & mask)));
    p.meta.hdr.outer.vlan_tci[0] = load_be16(at);
    return true;
}

void set_tunnel_addr(std::array<std::uint8_t, 16>& at, flow::FieldValue v, bool v4) {
    at.fill(0);
    if (v4) {
        store_be32(at.data(), static_cast<std::uint32_t>(v));
    } else {
        std::uint8_t b[16];
        to_bytes(v, b);
        std::copy(b, b + 16, at.begin());
    }
}

}  // namespace

bool apply_set_field(Packet& p, FieldId field, flow::FieldValue value) {
    const net::ParsedHeaders& h = ensure_parsed(p);
    const bool arp = h.outer.l3_kind == net::L3Kind::arp;
    auto ok = [](RewriteStatus s) { return s == RewriteStatus::ok; };
    std::uint8_t mac[6];
    std::uint8_t addr16[16];
    const auto u32 = static_cast<std::uint32_t>(value);
    const auto u16 = static_cast<std::uint16_t>(value);
    const auto u8 = static_cast<std::uint8_t>(value);
    switch (field) {
        case FieldId::dl_src:
            to_bytes(value, mac);
            return ok(offload::set_eth_src(p, h, mac));
        case FieldId::dl_dst:
            to_bytes(value, mac);
            return ok(offload::set_eth_dst(p, h, mac));
        case FieldId::vlan_tci:
            return set_tci(p, u16 & ~flow::kVlanPresent, 0xefff);
        case FieldId::dl_vlan:
        case FieldId::vlan_vid:
            return set_tci(p, u16 & 0x0fff, 0x0fff);
        case FieldId::dl_vlan_pcp:
        case FieldId::vlan_pcp:
            return set_tci(p, static_cast<std::uint16_t>((value & 7) << 13), 0xe000);
        case FieldId::nw_src:
            return ok(arp ? offload::set_arp_spa(p, h, u32) : offload::set_ipv4_src(p, h, u32));
        case FieldId::nw_dst:
            return ok(arp ? offload::set_arp_tpa(p, h, u32) : offload::set_ipv4_dst(p, h, u32));
        case FieldId::arp_spa:
            return ok(offload::set_arp_spa(p, h, u32));
        case FieldId::arp_tpa:
            return ok(offload::set_arp_tpa(p, h, u32));
        case FieldId::arp_op:
            return ok(offload::set_arp_op(p, h, u16));
        case FieldId::arp_sha:
            to_bytes(value, mac);
            return ok(offload::set_arp_sha(p, h, mac));
        case FieldId::arp_tha:
            to_bytes(value, mac);
            return ok(offload::set_arp_tha(p, h, mac));
        case FieldId::ipv6_src:
            to_bytes(value, addr16);
            return ok(offload::set_ipv6_src(p, h, addr16));
        case FieldId::ipv6_dst:
            to_bytes(value, addr16);
            return ok(offload::set_ipv6_dst(p, h, addr16));
        case FieldId::ipv6_label:
            return ok(offload::set_ipv6_flow_label(p, h, u32));
        case FieldId::tp_src:
        case FieldId::tcp_src:
        case FieldId::udp_src:
        case FieldId::sctp_src:
            return ok(offload::set_l4_src_port(p, h, u16));
        case FieldId::tp_dst:
        case FieldId::tcp_dst:
        case FieldId::udp_dst:
        case FieldId::sctp_dst:
            return ok(offload::set_l4_dst_port(p, h, u16));
        case FieldId::icmp_type:
        case FieldId::icmpv6_type:
            return ok(offload::set_icmp_type(p, h, u8));
        case FieldId::icmp_code:
        case FieldId::icmpv6_code:
            return ok(offload::set_icmp_code(p, h, u8));
        case FieldId::nw_tos:  // the DSCP bits in place
            return ok(offload::set_dscp(p, h, static_cast<std::uint8_t>(u8 >> 2)));
        case FieldId::ip_dscp:
            return ok(offload::set_dscp(p, h, u8));
        case FieldId::nw_ecn:
            return ok(offload::set_ecn(p, h, u8));
        case FieldId::nw_ttl:
            return ok(offload::set_ttl(p, h, u8));
        case FieldId::tun_id:
            p.tunnel.id = static_cast<std::uint64_t>(value);
            p.tunnel.present = true;
            return true;
        case FieldId::tun_src:
        case FieldId::tun_ipv6_src:
            set_tunnel_addr(p.tunnel.src, value, field == FieldId::tun_src);
            p.tunnel.ipv6 = field == FieldId::tun_ipv6_src;
            p.tunnel.present = true;
            return true;
        case FieldId::tun_dst:
        case FieldId::tun_ipv6_dst:
            set_tunnel_addr(p.tunnel.dst, value, field == FieldId::tun_dst);
            p.tunnel.ipv6 = field == FieldId::tun_ipv6_dst;
            p.tunnel.present = true;
            return true;
        default:
            return false;  // registers and metadata never reach a packet (translation keeps them)
    }
}

}  // namespace sy::datapath
