#include "datapath/set_field.hpp"

#include "base/bytes.hpp"
#include "offload/rewrite.hpp"

namespace sy::datapath {

namespace {

using flow::FieldId;
using offload::RewriteStatus;

void store_mac(std::uint8_t* at, flow::FieldValue v) {
    for (int i = 5; i >= 0; --i) {
        at[i] = static_cast<std::uint8_t>(v);
        v >>= 8;
    }
}

void to_bytes16(flow::FieldValue v, std::uint8_t out[16]) {
    for (int i = 15; i >= 0; --i) {
        out[i] = static_cast<std::uint8_t>(v);
        v >>= 8;
    }
}

// The outer 802.1Q tag's TCI, rewritten in place (no tag: nothing to rewrite).
bool set_tci(Packet& p, std::uint16_t tci, std::uint16_t mask) {
    const net::ParsedHeaders& h = ensure_parsed(p);
    if (h.outer.vlan_count == 0 || p.length < 18) return false;
    std::uint8_t* at = p.data() + 14;
    store_be16(at, static_cast<std::uint16_t>((load_be16(at) & ~mask) | (tci & mask)));
    p.meta.hdr.outer.vlan_tci[0] = load_be16(at);
    return true;
}

}  // namespace

bool apply_set_field(Packet& p, FieldId field, flow::FieldValue value) {
    const net::ParsedHeaders& h = ensure_parsed(p);
    auto ok = [](RewriteStatus s) { return s == RewriteStatus::ok; };
    switch (field) {
        case FieldId::dl_src:
            if (p.length < 12) return false;
            store_mac(p.data() + 6, value);
            return true;
        case FieldId::dl_dst:
            if (p.length < 12) return false;
            store_mac(p.data(), value);
            return true;
        case FieldId::vlan_tci:
            return set_tci(p, static_cast<std::uint16_t>(value) & ~flow::kVlanPresent, 0xefff);
        case FieldId::dl_vlan:
        case FieldId::vlan_vid:
            return set_tci(p, static_cast<std::uint16_t>(value) & 0x0fff, 0x0fff);
        case FieldId::dl_vlan_pcp:
        case FieldId::vlan_pcp:
            return set_tci(p, static_cast<std::uint16_t>((value & 7) << 13), 0xe000);
        case FieldId::nw_src:
            return ok(offload::set_ipv4_src(p, h, static_cast<std::uint32_t>(value)));
        case FieldId::nw_dst:
            return ok(offload::set_ipv4_dst(p, h, static_cast<std::uint32_t>(value)));
        case FieldId::ipv6_src: {
            std::uint8_t a[16];
            to_bytes16(value, a);
            return ok(offload::set_ipv6_src(p, h, a));
        }
        case FieldId::ipv6_dst: {
            std::uint8_t a[16];
            to_bytes16(value, a);
            return ok(offload::set_ipv6_dst(p, h, a));
        }
        case FieldId::tp_src:
        case FieldId::tcp_src:
        case FieldId::udp_src:
        case FieldId::sctp_src:
            return ok(offload::set_l4_src_port(p, h, static_cast<std::uint16_t>(value)));
        case FieldId::tp_dst:
        case FieldId::tcp_dst:
        case FieldId::udp_dst:
        case FieldId::sctp_dst:
            return ok(offload::set_l4_dst_port(p, h, static_cast<std::uint16_t>(value)));
        case FieldId::ip_dscp:
            return ok(offload::set_dscp(p, h, static_cast<std::uint8_t>(value)));
        case FieldId::nw_tos:
            return ok(offload::set_dscp(p, h, static_cast<std::uint8_t>(value >> 2)));
        case FieldId::nw_ecn:
            return ok(offload::set_ecn(p, h, static_cast<std::uint8_t>(value)));
        default:
            return false;  // not yet a packet rewrite here
    }
}

}  // namespace sy::datapath
