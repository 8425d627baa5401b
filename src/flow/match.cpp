#include "flow/match.hpp"

namespace sy::flow {

void Match::set(FieldId field, FieldValue value, FieldValue field_mask) {
    const FieldValue all = field_all_ones(field);
    set_field(mask, field, field_mask & all, all);
    set_field(key, field, value & field_mask & all, all);
}

Status Match::check_prerequisites() const {
    // Checked per storage, not per field name: tp_src is also tcp_src, udp_src and icmp_type,
    // and any of those is fine when nw_proto says which one it is. The parser checks the name
    // the user wrote (tcp_src needs tcp) before it gets here.
    struct Rule {
        bool used;
        Prereq prereq;
        const char* what;
    };
    const bool tp = mask.tp_src != 0 || mask.tp_dst != 0;
    const bool icmp4 = prereq_met(Prereq::icmpv4, key, mask);
    const bool icmp6 = prereq_met(Prereq::icmpv6, key, mask);
    const Rule rules[] = {
        {mask.nw_src != 0 || mask.nw_dst != 0, Prereq::ipv4_or_arp,
         "nw_src/nw_dst need ip or arp (dl_type=0x0800 or 0x0806)"},
        {mask.ipv6_label != 0, Prereq::ipv6, "ipv6_label needs ipv6 (dl_type=0x86dd)"},
        {mask.nw_proto != 0, Prereq::ip_any_or_arp, "nw_proto needs ip, ipv6 or arp"},
        {mask.nw_tos != 0 || mask.nw_ttl != 0 || mask.nw_frag != 0, Prereq::ip_any,
         "nw_tos/ip_dscp/nw_ecn/nw_ttl/nw_frag need ip or ipv6"},
        {tp && !icmp4 && !icmp6, Prereq::l4_ports,
         "tp_src/tp_dst need tcp, udp or sctp (nw_proto=6, 17 or 132), icmp_* need icmp"},
        {mask.tcp_flags != 0, Prereq::tcp, "tcp_flags needs tcp (nw_proto=6)"},
    };
    for (const Rule& r : rules) {
        if (r.used && !prereq_met(r.prereq, key, mask))
            return Status(Errc::invalid_argument, r.what);
    }
    bool v6 = false;
    for (int i = 0; i < 16; ++i) v6 |= (mask.ipv6_src[i] | mask.ipv6_dst[i]) != 0;
    if (v6 && !prereq_met(Prereq::ipv6, key, mask))
        return Status(Errc::invalid_argument, "ipv6_src/ipv6_dst need ipv6 (dl_type=0x86dd)");
    bool arp_mac = false;
    for (int i = 0; i < 6; ++i) arp_mac |= (mask.arp_sha[i] | mask.arp_tha[i]) != 0;
    if (arp_mac && !prereq_met(Prereq::arp, key, mask))
        return Status(Errc::invalid_argument, "arp_sha/arp_tha need arp (dl_type=0x0806)");
    return Status::ok();
}

bool Match::is_subset_of(const Match& wider) const {
    for (std::size_t i = 0; i < FlowKey::kWords; ++i) {
        const std::uint64_t wm = wider.mask.words()[i];
        if ((mask.words()[i] & wm) != wm) return false;  // wider matches a bit we don't
        if ((key.words()[i] & wm) != wider.key.words()[i]) return false;
    }
    return true;
}

}  // namespace sy::flow
