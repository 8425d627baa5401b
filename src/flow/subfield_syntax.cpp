#include "flow/subfield_syntax.hpp"

#include <fmt/format.h>

#include <cctype>

#include "flow/syntax_values.hpp"

namespace sy::flow {
namespace {

Status bad(std::string why) {
    return Status(Errc::invalid_argument, std::move(why));
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

struct NxmName {
    FieldId id;
    std::string_view name;
};
// The names ovs-ofctl prints in load/move (its NXM names; OXM where there is no NXM one).
constexpr NxmName kNxmNames[] = {
    {FieldId::in_port, "OXM_OF_IN_PORT"},
    {FieldId::metadata, "OXM_OF_METADATA"},
    {FieldId::reg0, "NXM_NX_REG0"},
    {FieldId::reg1, "NXM_NX_REG1"},
    {FieldId::reg2, "NXM_NX_REG2"},
    {FieldId::reg3, "NXM_NX_REG3"},
    {FieldId::reg4, "NXM_NX_REG4"},
    {FieldId::reg5, "NXM_NX_REG5"},
    {FieldId::reg6, "NXM_NX_REG6"},
    {FieldId::reg7, "NXM_NX_REG7"},
    {FieldId::tun_id, "NXM_NX_TUN_ID"},
    {FieldId::tun_src, "NXM_NX_TUN_IPV4_SRC"},
    {FieldId::tun_dst, "NXM_NX_TUN_IPV4_DST"},
    {FieldId::tun_ipv6_src, "NXM_NX_TUN_IPV6_SRC"},
    {FieldId::tun_ipv6_dst, "NXM_NX_TUN_IPV6_DST"},
    {FieldId::dl_src, "NXM_OF_ETH_SRC"},
    {FieldId::dl_dst, "NXM_OF_ETH_DST"},
    {FieldId::dl_type, "NXM_OF_ETH_TYPE"},
    {FieldId::vlan_tci, "NXM_OF_VLAN_TCI"},
    {FieldId::vlan_vid, "OXM_OF_VLAN_VID"},
    {FieldId::vlan_pcp, "OXM_OF_VLAN_PCP"},
    {FieldId::nw_src, "NXM_OF_IP_SRC"},
    {FieldId::nw_dst, "NXM_OF_IP_DST"},
    {FieldId::ipv6_src, "NXM_NX_IPV6_SRC"},
    {FieldId::ipv6_dst, "NXM_NX_IPV6_DST"},
    {FieldId::ipv6_label, "NXM_NX_IPV6_LABEL"},
    {FieldId::nw_proto, "NXM_OF_IP_PROTO"},
    {FieldId::nw_tos, "NXM_OF_IP_TOS"},
    {FieldId::ip_dscp, "OXM_OF_IP_DSCP"},
    {FieldId::nw_ecn, "NXM_NX_IP_ECN"},
    {FieldId::nw_ttl, "NXM_NX_IP_TTL"},
    {FieldId::nw_frag, "NXM_NX_IP_FRAG"},
    {FieldId::tcp_src, "NXM_OF_TCP_SRC"},
    {FieldId::tcp_dst, "NXM_OF_TCP_DST"},
    {FieldId::udp_src, "NXM_OF_UDP_SRC"},
    {FieldId::udp_dst, "NXM_OF_UDP_DST"},
    {FieldId::sctp_src, "OXM_OF_SCTP_SRC"},
    {FieldId::sctp_dst, "OXM_OF_SCTP_DST"},
    {FieldId::tcp_flags, "NXM_NX_TCP_FLAGS"},
    {FieldId::icmp_type, "NXM_OF_ICMP_TYPE"},
    {FieldId::icmp_code, "NXM_OF_ICMP_CODE"},
    {FieldId::icmpv6_type, "NXM_NX_ICMPV6_TYPE"},
    {FieldId::icmpv6_code, "NXM_NX_ICMPV6_CODE"},
    {FieldId::arp_op, "NXM_OF_ARP_OP"},
    {FieldId::arp_spa, "NXM_OF_ARP_SPA"},
    {FieldId::arp_tpa, "NXM_OF_ARP_TPA"},
    {FieldId::arp_sha, "NXM_NX_ARP_SHA"},
    {FieldId::arp_tha, "NXM_NX_ARP_THA"},
};

}  // namespace

unsigned subfield_space(FieldId field) {
    const FieldInfo& f = field_info(field);
    return f.in_place ? f.shift + f.n_bits : f.n_bits;
}

Result<SubField> parse_subfield(std::string_view text) {
    const std::size_t open = text.find('[');
    if (open == std::string_view::npos || text.back() != ']') {
        return bad(
            fmt::format("{} is not a subfield (FIELD[], FIELD[BIT] or FIELD[START..END])", text));
    }
    const std::string_view name = text.substr(0, open);
    const std::string_view bits = text.substr(open + 1, text.size() - open - 2);
    const auto id = find_field(name);
    if (!id) return bad(fmt::format("unknown field \"{}\"", name));
    // NXM_OF_IN_PORT is OpenFlow 1.0's 16-bit port number: "NXM_OF_IN_PORT[]" is 16 bits
    // (the low half of our 32-bit in_port), as in ovs-ofctl.
    const bool of10_port = iequals(name, "NXM_OF_IN_PORT");
    const unsigned space = of10_port ? 16 : subfield_space(*id);
    SubField sf;
    sf.field = *id;
    if (bits.empty()) {
        const FieldInfo& f = field_info(*id);
        sf.ofs = f.in_place ? f.shift : 0;
        sf.n_bits = static_cast<std::uint8_t>(of10_port ? 16 : f.n_bits);
        return sf;
    }
    const std::size_t dots = bits.find("..");
    const auto start = parse_field_integer(dots == bits.npos ? bits : bits.substr(0, dots));
    const auto end = dots == bits.npos ? start : parse_field_integer(bits.substr(dots + 2));
    if (!start || !end || bits.find('x') != bits.npos) {
        return bad(fmt::format("{}: bits must be [], [BIT] or [START..END]", text));
    }
    if (*start > *end)
        return bad(fmt::format("{}: start bit {} is after end bit {}", text,
                               static_cast<unsigned>(*start), static_cast<unsigned>(*end)));
    if (*end >= space) {
        return bad(fmt::format("{}: {} has only {} bits (0..{})", text, field_info(*id).name, space,
                               space - 1));
    }
    sf.ofs = static_cast<std::uint8_t>(*start);
    sf.n_bits = static_cast<std::uint8_t>(*end - *start + 1);
    if ((subfield_mask(sf) & ~field_all_ones(*id)) != 0) {
        return bad(fmt::format("{}: bits {}..{} of {} are not part of the field", text,
                               static_cast<unsigned>(*start), static_cast<unsigned>(*end),
                               field_info(*id).name));
    }
    return sf;
}

FieldValue subfield_mask(const SubField& sf) {
    const FieldValue ones = sf.n_bits >= 128 ? ~FieldValue{0} : (FieldValue{1} << sf.n_bits) - 1;
    return ones << sf.ofs;
}

std::string_view nxm_name(FieldId field) {
    for (const NxmName& n : kNxmNames) {
        if (n.id == field) return n.name;
    }
    return field_info(field).name;
}

std::string format_subfield(const SubField& sf) {
    const std::string_view name = nxm_name(sf.field);
    const FieldInfo& f = field_info(sf.field);
    if (sf.ofs == (f.in_place ? f.shift : 0) && sf.n_bits == f.n_bits)
        return fmt::format("{}[]", name);
    if (sf.n_bits == 1) return fmt::format("{}[{}]", name, sf.ofs);
    return fmt::format("{}[{}..{}]", name, sf.ofs, sf.ofs + sf.n_bits - 1);
}

}  // namespace sy::flow
