// The field table: everything the rest of the flow layer knows about a field is in one row.
#include "flow/field.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstring>

namespace sy::flow {
namespace {

using F = FieldId;
using P = Prereq;
using Fmt = FieldFormat;

#define SY_AT(member) static_cast<std::uint16_t>(offsetof(FlowKey, member))
#define SY_SZ(member) static_cast<std::uint8_t>(sizeof(FlowKey::member))

constexpr std::uint16_t reg_at(int i) {
    return static_cast<std::uint16_t>(offsetof(FlowKey, regs) + 4 * i);
}

// id, name, alias, bits, storage, bytes, shift, in_place, prereq, maskable, writable,
// packet_field, format
const std::array<FieldInfo, kFieldCount> kFields = {{
    {F::in_port, "in_port", "", 32, SY_AT(in_port), 4, 0, false, P::none, false, true, false, Fmt::ofport},
    {F::metadata, "metadata", "", 64, SY_AT(metadata), 8, 0, false, P::none, true, true, false, Fmt::hex},
    {F::reg0, "reg0", "", 32, reg_at(0), 4, 0, false, P::none, true, true, false, Fmt::hex},
    {F::reg1, "reg1", "", 32, reg_at(1), 4, 0, false, P::none, true, true, false, Fmt::hex},
    {F::reg2, "reg2", "", 32, reg_at(2), 4, 0, false, P::none, true, true, false, Fmt::hex},
    {F::reg3, "reg3", "", 32, reg_at(3), 4, 0, false, P::none, true, true, false, Fmt::hex},
    {F::reg4, "reg4", "", 32, reg_at(4), 4, 0, false, P::none, true, true, false, Fmt::hex},
    {F::reg5, "reg5", "", 32, reg_at(5), 4, 0, false, P::none, true, true, false, Fmt::hex},
    {F::reg6, "reg6", "", 32, reg_at(6), 4, 0, false, P::none, true, true, false, Fmt::hex},
    {F::reg7, "reg7", "", 32, reg_at(7), 4, 0, false, P::none, true, true, false, Fmt::hex},
    {F::tun_id, "tun_id", "tunnel_id", 64, SY_AT(tun_id), 8, 0, false, P::none, true, true, true, Fmt::hex},
    {F::tun_src, "tun_src", "", 32, SY_AT(tun_src), 4, 0, false, P::none, true, true, true, Fmt::ipv4},
    {F::tun_dst, "tun_dst", "", 32, SY_AT(tun_dst), 4, 0, false, P::none, true, true, true, Fmt::ipv4},
    {F::tun_ipv6_src, "tun_ipv6_src", "", 128, SY_AT(tun_ipv6_src), 16, 0, false, P::none, true, true, true, Fmt::ipv6},
    {F::tun_ipv6_dst, "tun_ipv6_dst", "", 128, SY_AT(tun_ipv6_dst), 16, 0, false, P::none, true, true, true, Fmt::ipv6},
    {F::dl_src, "dl_src", "eth_src", 48, SY_AT(dl_src), 6, 0, false, P::none, true, true, true, Fmt::ethernet},
    {F::dl_dst, "dl_dst", "eth_dst", 48, SY_AT(dl_dst), 6, 0, false, P::none, true, true, true, Fmt::ethernet},
    {F::dl_type, "dl_type", "eth_type", 16, SY_AT(dl_type), 2, 0, false, P::none, false, false, false, Fmt::hex},
    {F::vlan_tci, "vlan_tci", "", 16, SY_AT(vlan_tci), 2, 0, false, P::none, true, true, true, Fmt::hex},
    {F::dl_vlan, "dl_vlan", "", 12, SY_AT(vlan_tci), 2, 0, false, P::none, false, true, true, Fmt::decimal},
    {F::dl_vlan_pcp, "dl_vlan_pcp", "", 3, SY_AT(vlan_tci), 2, 13, false, P::none, false, true, true, Fmt::decimal},
    {F::vlan_vid, "vlan_vid", "", 13, SY_AT(vlan_tci), 2, 0, false, P::none, true, true, true, Fmt::decimal},
    {F::vlan_pcp, "vlan_pcp", "", 3, SY_AT(vlan_tci), 2, 13, false, P::none, false, true, true, Fmt::decimal},
    {F::nw_src, "nw_src", "ip_src", 32, SY_AT(nw_src), 4, 0, false, P::ipv4_or_arp, true, true, true, Fmt::ipv4},
    {F::nw_dst, "nw_dst", "ip_dst", 32, SY_AT(nw_dst), 4, 0, false, P::ipv4_or_arp, true, true, true, Fmt::ipv4},
    {F::ipv6_src, "ipv6_src", "", 128, SY_AT(ipv6_src), 16, 0, false, P::ipv6, true, true, true, Fmt::ipv6},
    {F::ipv6_dst, "ipv6_dst", "", 128, SY_AT(ipv6_dst), 16, 0, false, P::ipv6, true, true, true, Fmt::ipv6},
    {F::ipv6_label, "ipv6_label", "", 20, SY_AT(ipv6_label), 4, 0, false, P::ipv6, true, true, true, Fmt::hex},
    {F::nw_proto, "nw_proto", "ip_proto", 8, SY_AT(nw_proto), 1, 0, false, P::ip_any_or_arp, false, false, false, Fmt::decimal},
    {F::nw_tos, "nw_tos", "", 6, SY_AT(nw_tos), 1, 2, true, P::ip_any, false, true, true, Fmt::decimal},
    {F::ip_dscp, "ip_dscp", "", 6, SY_AT(nw_tos), 1, 2, false, P::ip_any, false, true, true, Fmt::decimal},
    {F::nw_ecn, "nw_ecn", "ip_ecn", 2, SY_AT(nw_tos), 1, 0, false, P::ip_any, false, true, true, Fmt::decimal},
    {F::nw_ttl, "nw_ttl", "", 8, SY_AT(nw_ttl), 1, 0, false, P::ip_any, false, true, true, Fmt::decimal},
    {F::nw_frag, "nw_frag", "ip_frag", 2, SY_AT(nw_frag), 1, 0, false, P::ip_any, true, false, false, Fmt::frag},
    {F::tp_src, "tp_src", "", 16, SY_AT(tp_src), 2, 0, false, P::l4_ports, true, true, true, Fmt::decimal},
    {F::tp_dst, "tp_dst", "", 16, SY_AT(tp_dst), 2, 0, false, P::l4_ports, true, true, true, Fmt::decimal},
    {F::tcp_src, "tcp_src", "", 16, SY_AT(tp_src), 2, 0, false, P::tcp, true, true, true, Fmt::decimal},
    {F::tcp_dst, "tcp_dst", "", 16, SY_AT(tp_dst), 2, 0, false, P::tcp, true, true, true, Fmt::decimal},
    {F::udp_src, "udp_src", "", 16, SY_AT(tp_src), 2, 0, false, P::udp, true, true, true, Fmt::decimal},
    {F::udp_dst, "udp_dst", "", 16, SY_AT(tp_dst), 2, 0, false, P::udp, true, true, true, Fmt::decimal},
    {F::sctp_src, "sctp_src", "", 16, SY_AT(tp_src), 2, 0, false, P::sctp, true, true, true, Fmt::decimal},
    {F::sctp_dst, "sctp_dst", "", 16, SY_AT(tp_dst), 2, 0, false, P::sctp, true, true, true, Fmt::decimal},
    {F::tcp_flags, "tcp_flags", "", 12, SY_AT(tcp_flags), 2, 0, false, P::tcp, true, false, false, Fmt::tcp_flags},
    {F::icmp_type, "icmp_type", "", 8, SY_AT(tp_src), 2, 0, false, P::icmpv4, false, true, true, Fmt::decimal},
    {F::icmp_code, "icmp_code", "", 8, SY_AT(tp_dst), 2, 0, false, P::icmpv4, false, true, true, Fmt::decimal},
    {F::icmpv6_type, "icmpv6_type", "", 8, SY_AT(tp_src), 2, 0, false, P::icmpv6, false, true, true, Fmt::decimal},
    {F::icmpv6_code, "icmpv6_code", "", 8, SY_AT(tp_dst), 2, 0, false, P::icmpv6, false, true, true, Fmt::decimal},
    {F::arp_op, "arp_op", "", 8, SY_AT(nw_proto), 1, 0, false, P::arp, false, true, true, Fmt::decimal},
    {F::arp_spa, "arp_spa", "", 32, SY_AT(nw_src), 4, 0, false, P::arp, true, true, true, Fmt::ipv4},
    {F::arp_tpa, "arp_tpa", "", 32, SY_AT(nw_dst), 4, 0, false, P::arp, true, true, true, Fmt::ipv4},
    {F::arp_sha, "arp_sha", "", 48, SY_AT(arp_sha), 6, 0, false, P::arp, true, true, true, Fmt::ethernet},
    {F::arp_tha, "arp_tha", "", 48, SY_AT(arp_tha), 6, 0, false, P::arp, true, true, true, Fmt::ethernet},
}};

#undef SY_AT
#undef SY_SZ

// The NXM/OXM names ovs-ofctl accepts in load/move/set_field for our fields.
struct ExtraName {
    std::string_view name;
    FieldId id;
};
constexpr ExtraName kExtraNames[] = {
    {"NXM_OF_IN_PORT", F::in_port},       {"OXM_OF_IN_PORT", F::in_port},
    {"OXM_OF_METADATA", F::metadata},     {"NXM_NX_REG0", F::reg0},
    {"NXM_NX_REG1", F::reg1},             {"NXM_NX_REG2", F::reg2},
    {"NXM_NX_REG3", F::reg3},             {"NXM_NX_REG4", F::reg4},
    {"NXM_NX_REG5", F::reg5},             {"NXM_NX_REG6", F::reg6},
    {"NXM_NX_REG7", F::reg7},             {"NXM_NX_TUN_ID", F::tun_id},
    {"OXM_OF_TUNNEL_ID", F::tun_id},      {"NXM_NX_TUN_IPV4_SRC", F::tun_src},
    {"NXM_NX_TUN_IPV4_DST", F::tun_dst},  {"NXM_NX_TUN_IPV6_SRC", F::tun_ipv6_src},
    {"NXM_NX_TUN_IPV6_DST", F::tun_ipv6_dst},
    {"NXM_OF_ETH_SRC", F::dl_src},        {"OXM_OF_ETH_SRC", F::dl_src},
    {"NXM_OF_ETH_DST", F::dl_dst},        {"OXM_OF_ETH_DST", F::dl_dst},
    {"NXM_OF_ETH_TYPE", F::dl_type},      {"OXM_OF_ETH_TYPE", F::dl_type},
    {"NXM_OF_VLAN_TCI", F::vlan_tci},     {"OXM_OF_VLAN_VID", F::vlan_vid},
    {"OXM_OF_VLAN_PCP", F::vlan_pcp},     {"NXM_OF_IP_SRC", F::nw_src},
    {"OXM_OF_IPV4_SRC", F::nw_src},       {"NXM_OF_IP_DST", F::nw_dst},
    {"OXM_OF_IPV4_DST", F::nw_dst},       {"NXM_NX_IPV6_SRC", F::ipv6_src},
    {"OXM_OF_IPV6_SRC", F::ipv6_src},     {"NXM_NX_IPV6_DST", F::ipv6_dst},
    {"OXM_OF_IPV6_DST", F::ipv6_dst},     {"NXM_NX_IPV6_LABEL", F::ipv6_label},
    {"OXM_OF_IPV6_FLABEL", F::ipv6_label}, {"NXM_OF_IP_PROTO", F::nw_proto},
    {"OXM_OF_IP_PROTO", F::nw_proto},     {"NXM_OF_IP_TOS", F::nw_tos},
    {"OXM_OF_IP_DSCP", F::ip_dscp},       {"NXM_NX_IP_ECN", F::nw_ecn},
    {"OXM_OF_IP_ECN", F::nw_ecn},         {"NXM_NX_IP_TTL", F::nw_ttl},
    {"NXM_NX_IP_FRAG", F::nw_frag},       {"NXM_OF_TCP_SRC", F::tcp_src},
    {"OXM_OF_TCP_SRC", F::tcp_src},       {"NXM_OF_TCP_DST", F::tcp_dst},
    {"OXM_OF_TCP_DST", F::tcp_dst},       {"NXM_OF_UDP_SRC", F::udp_src},
    {"OXM_OF_UDP_SRC", F::udp_src},       {"NXM_OF_UDP_DST", F::udp_dst},
    {"OXM_OF_UDP_DST", F::udp_dst},       {"OXM_OF_SCTP_SRC", F::sctp_src},
    {"OXM_OF_SCTP_DST", F::sctp_dst},     {"NXM_NX_TCP_FLAGS", F::tcp_flags},
    {"NXM_OF_ICMP_TYPE", F::icmp_type},   {"OXM_OF_ICMPV4_TYPE", F::icmp_type},
    {"NXM_OF_ICMP_CODE", F::icmp_code},   {"OXM_OF_ICMPV4_CODE", F::icmp_code},
    {"NXM_NX_ICMPV6_TYPE", F::icmpv6_type}, {"OXM_OF_ICMPV6_TYPE", F::icmpv6_type},
    {"NXM_NX_ICMPV6_CODE", F::icmpv6_code}, {"OXM_OF_ICMPV6_CODE", F::icmpv6_code},
    {"NXM_OF_ARP_OP", F::arp_op},         {"OXM_OF_ARP_OP", F::arp_op},
    {"NXM_OF_ARP_SPA", F::arp_spa},       {"OXM_OF_ARP_SPA", F::arp_spa},
    {"NXM_OF_ARP_TPA", F::arp_tpa},       {"OXM_OF_ARP_TPA", F::arp_tpa},
    {"NXM_NX_ARP_SHA", F::arp_sha},       {"OXM_OF_ARP_SHA", F::arp_sha},
    {"NXM_NX_ARP_THA", F::arp_tha},       {"OXM_OF_ARP_THA", F::arp_tha},
};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

FieldValue ones(unsigned bits) {
    return bits >= 128 ? ~FieldValue{0} : (FieldValue{1} << bits) - 1;
}

// The whole storage of a field as an integer: host-order integers as they are, byte arrays
// (MACs, IPv6 addresses) read big-endian so that bit 0 is the last bit on the wire.
FieldValue load_storage(const FlowKey& key, const FieldInfo& f) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&key) + f.storage;
    switch (f.storage_bytes) {
        case 1:
            return *p;
        case 2: {
            std::uint16_t v;
            std::memcpy(&v, p, 2);
            return v;
        }
        case 4: {
            std::uint32_t v;
            std::memcpy(&v, p, 4);
            return v;
        }
        case 8: {
            std::uint64_t v;
            std::memcpy(&v, p, 8);
            return v;
        }
        default: {
            FieldValue v = 0;
            for (int i = 0; i < f.storage_bytes; ++i) v = v << 8 | p[i];
            return v;
        }
    }
}

void store_storage(FlowKey& key, const FieldInfo& f, FieldValue v) {
    auto* p = reinterpret_cast<std::uint8_t*>(&key) + f.storage;
    switch (f.storage_bytes) {
        case 1:
            *p = static_cast<std::uint8_t>(v);
            return;
        case 2: {
            const auto x = static_cast<std::uint16_t>(v);
            std::memcpy(p, &x, 2);
            return;
        }
        case 4: {
            const auto x = static_cast<std::uint32_t>(v);
            std::memcpy(p, &x, 4);
            return;
        }
        case 8: {
            const auto x = static_cast<std::uint64_t>(v);
            std::memcpy(p, &x, 8);
            return;
        }
        default:
            for (int i = f.storage_bytes - 1; i >= 0; --i) {
                p[i] = static_cast<std::uint8_t>(v);
                v >>= 8;
            }
            return;
    }
}

bool dl_type_is(const FlowKey& key, const FlowMask& mask, std::uint16_t type) {
    return mask.dl_type == 0xffff && key.dl_type == type;
}
bool proto_is(const FlowKey& key, const FlowMask& mask, std::uint8_t proto) {
    return mask.nw_proto == 0xff && key.nw_proto == proto;
}

}  // namespace

const FieldInfo& field_info(FieldId id) { return kFields[static_cast<std::size_t>(id)]; }

std::span<const FieldInfo> all_fields() { return kFields; }

std::optional<FieldId> find_field(std::string_view name) {
    for (const FieldInfo& f : kFields) {
        if (iequals(f.name, name) || (!f.alias.empty() && iequals(f.alias, name))) return f.id;
    }
    for (const ExtraName& e : kExtraNames) {
        if (iequals(e.name, name)) return e.id;
    }
    return std::nullopt;
}

FieldValue field_all_ones(FieldId id) {
    const FieldInfo& f = field_info(id);
    return f.in_place ? ones(f.n_bits) << f.shift : ones(f.n_bits);
}

FieldValue get_field(const FlowKey& key, FieldId id) {
    const FieldInfo& f = field_info(id);
    const FieldValue bits = ones(f.n_bits) << f.shift;
    const FieldValue v = load_storage(key, f) & bits;
    return f.in_place ? v : v >> f.shift;
}

void set_field(FlowKey& key, FieldId id, FieldValue value, FieldValue mask) {
    const FieldInfo& f = field_info(id);
    const unsigned up = f.in_place ? 0 : f.shift;
    const FieldValue bits = (mask << up) & (ones(f.n_bits) << f.shift);
    const FieldValue old = load_storage(key, f);
    store_storage(key, f, (old & ~bits) | ((value << up) & bits));
}

bool prereq_met(Prereq prereq, const FlowKey& key, const FlowMask& mask) {
    const bool v4 = dl_type_is(key, mask, 0x0800);
    const bool v6 = dl_type_is(key, mask, 0x86dd);
    const bool arp = dl_type_is(key, mask, 0x0806);
    const bool ip = v4 || v6;
    switch (prereq) {
        case Prereq::none:
            return true;
        case Prereq::ip_any:
            return ip;
        case Prereq::ipv4:
            return v4;
        case Prereq::ipv6:
            return v6;
        case Prereq::arp:
            return arp;
        case Prereq::ipv4_or_arp:
            return v4 || arp;
        case Prereq::ip_any_or_arp:
            return ip || arp;
        case Prereq::l4_ports:
            return ip && (proto_is(key, mask, 6) || proto_is(key, mask, 17) ||
                          proto_is(key, mask, 132));
        case Prereq::tcp:
            return ip && proto_is(key, mask, 6);
        case Prereq::udp:
            return ip && proto_is(key, mask, 17);
        case Prereq::sctp:
            return ip && proto_is(key, mask, 132);
        case Prereq::icmpv4:
            return v4 && proto_is(key, mask, 1);
        case Prereq::icmpv6:
            return v6 && proto_is(key, mask, 58);
    }
    return false;
}

}  // namespace sy::flow
