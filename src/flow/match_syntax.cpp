#include "flow/match_syntax.hpp"

#include <fmt/format.h>

#include "flow/field_syntax.hpp"
#include "flow/subfield_syntax.hpp"
#include "flow/syntax_values.hpp"

namespace sy::flow {
namespace {

Status bad(std::string_view token, std::string_view why) {
    return Status(Errc::invalid_argument, fmt::format("\"{}\": {}", token, why));
}

struct Shorthand {
    std::string_view name;
    std::uint16_t dl_type;
    std::uint8_t nw_proto;  // 0: none
};
constexpr Shorthand kShorthands[] = {
    {"ip", 0x0800, 0},    {"ipv4", 0x0800, 0},    {"ip4", 0x0800, 0},    {"arp", 0x0806, 0},
    {"icmp", 0x0800, 1},  {"tcp", 0x0800, 6},     {"udp", 0x0800, 17},   {"sctp", 0x0800, 132},
    {"ipv6", 0x86dd, 0},  {"ip6", 0x86dd, 0},     {"icmp6", 0x86dd, 58}, {"tcp6", 0x86dd, 6},
    {"udp6", 0x86dd, 17}, {"sctp6", 0x86dd, 132},
};
// Known to ovs-ofctl, not to us: say so instead of "unknown field".
constexpr std::string_view kUnsupportedShorthands[] = {"rarp", "mpls", "mplsm", "eth"};

constexpr std::uint16_t kVidMask = 0x0fff;
constexpr std::uint16_t kPcpMask = 0xe000;
constexpr std::uint16_t kOf10VlanNone = 0xffff;

bool is_ipv6(const Match& m) {
    return m.mask.dl_type == 0xffff && m.key.dl_type == 0x86dd;
}

}  // namespace

std::string prerequisite_message(std::string_view name, Prereq prereq, const Match& match,
                                 bool in_action) {
    const bool v6 = is_ipv6(match);
    struct Text {
        std::string_view needs, add;
    };
    Text t{"", ""};
    switch (prereq) {
        case Prereq::none:
            return fmt::format("{} has no prerequisite", name);
        case Prereq::ip_any:
            t = {"ip or ipv6", "ip"};
            break;
        case Prereq::ipv4:
            t = {"ip", "ip"};
            break;
        case Prereq::ipv6:
            t = {"ipv6", "ipv6"};
            break;
        case Prereq::arp:
            t = {"arp", "arp"};
            break;
        case Prereq::ipv4_or_arp:
            t = {"ip or arp", "ip"};
            break;
        case Prereq::ip_any_or_arp:
            t = {"ip, ipv6 or arp", "ip"};
            break;
        case Prereq::l4_ports:
            t = v6 ? Text{"tcp6, udp6 or sctp6", "tcp6"} : Text{"tcp, udp or sctp", "tcp"};
            break;
        case Prereq::tcp:
            t = v6 ? Text{"tcp6", "tcp6"} : Text{"tcp", "tcp"};
            break;
        case Prereq::udp:
            t = v6 ? Text{"udp6", "udp6"} : Text{"udp", "udp"};
            break;
        case Prereq::sctp:
            t = v6 ? Text{"sctp6", "sctp6"} : Text{"sctp", "sctp"};
            break;
        case Prereq::icmpv4:
            t = {"icmp", "icmp"};
            break;
        case Prereq::icmpv6:
            t = {"icmp6", "icmp6"};
            break;
    }
    return fmt::format("{} requires {} (add {},{})", name, t.needs, t.add,
                       in_action ? " to the match" : "");
}

std::optional<Status> MatchParser::add(const KeyValue& kv) {
    for (const Shorthand& s : kShorthands) {
        if (kv.key == s.name && kv.delim == '\0') {
            match_.set(FieldId::dl_type, s.dl_type);
            if (s.nw_proto != 0) match_.set(FieldId::nw_proto, s.nw_proto);
            return Status::ok();
        }
    }
    for (std::string_view s : kUnsupportedShorthands) {
        if (kv.key == s) return bad(kv.text, fmt::format("{} is not supported by switchyard", s));
    }

    if (kv.key.find('[') != std::string_view::npos) {  // reg0[0..3]=5
        auto sf = parse_subfield(kv.key);
        if (!sf) return bad(kv.text, sf.status().message());
        if (kv.delim != '=' && kv.delim != ':') return bad(kv.text, "a subfield needs a value");
        const auto v = parse_field_integer(kv.value);
        if (!v) return bad(kv.text, fmt::format("{} is not a number", kv.value));
        if (sf->n_bits < 128 && (*v >> sf->n_bits) != 0) {
            return bad(kv.text, fmt::format("{} does not fit in {} bits", kv.value, sf->n_bits));
        }
        const FieldInfo& f = field_info(sf->field);
        const FieldValue bits = subfield_mask(*sf);
        const FieldValue mask = match_.mask_of(sf->field) | bits;
        const FieldValue value = (match_.value(sf->field) & ~bits) | (*v << sf->ofs);
        if (!f.maskable && mask != field_all_ones(sf->field)) {
            return bad(kv.text, fmt::format("{} cannot be masked", f.name));
        }
        match_.set(sf->field, value, mask);
        written_.push_back({std::string(kv.text), std::string(f.name), static_cast<int>(f.prereq)});
        return Status::ok();
    }

    const auto id = find_field(kv.key);
    if (!id) return std::nullopt;
    const FieldInfo& f = field_info(*id);
    if (kv.delim == '\0' || kv.delim == '(') {
        return bad(kv.text, fmt::format("{} needs a value ({}=VALUE)", kv.key, kv.key));
    }
    int requirement = static_cast<int>(f.prereq);
    if (kv.key == "icmp_type" || kv.key == "icmp_code")
        requirement = kIcmpAny;  // as printed for icmp6

    if (*id == FieldId::dl_vlan || *id == FieldId::dl_vlan_pcp || *id == FieldId::vlan_pcp) {
        if (Status s = set_vlan_view(kv, *id); !s) return s;
    } else {
        auto v = parse_field_value(*id, kv.value, ports_);
        if (!v) return bad(kv.text, v.status().message());
        match_.set(*id, v->value, v->mask);
    }
    written_.push_back({std::string(kv.text), std::string(kv.key), requirement});
    return Status::ok();
}

// The OpenFlow 1.0 VLAN views: a VID or PCP match also requires a tag (the present bit);
// dl_vlan=0xffff matches untagged frames only.
Status MatchParser::set_vlan_view(const KeyValue& kv, FieldId field) {
    std::uint16_t tci = static_cast<std::uint16_t>(match_.value(FieldId::vlan_tci));
    std::uint16_t mask = static_cast<std::uint16_t>(match_.mask_of(FieldId::vlan_tci));
    if (field == FieldId::dl_vlan) {
        const auto v = parse_field_integer(kv.value);
        if (v && *v == kOf10VlanNone) {
            match_.set(FieldId::vlan_tci, 0, 0xffff);
            return Status::ok();
        }
        auto r = parse_field_value(field, kv.value, ports_);
        if (!r) return bad(kv.text, r.status().message() + " (0 to 4095, or 0xffff for no tag)");
        tci = static_cast<std::uint16_t>((tci & ~kVidMask) | kVlanPresent | r->value);
        mask |= kVidMask | kVlanPresent;
    } else {
        auto r = parse_field_value(field, kv.value, ports_);
        if (!r) return bad(kv.text, r.status().message());
        tci = static_cast<std::uint16_t>((tci & ~kPcpMask) | kVlanPresent | (r->value << 13));
        mask |= kPcpMask | kVlanPresent;
    }
    match_.set(FieldId::vlan_tci, tci, mask);
    return Status::ok();
}

Result<Match> MatchParser::finish() const {
    for (const Written& w : written_) {
        if (w.requirement == kIcmpAny) {
            if (!prereq_met(Prereq::icmpv4, match_.key, match_.mask) &&
                !prereq_met(Prereq::icmpv6, match_.key, match_.mask)) {
                return bad(w.token, fmt::format("{} requires icmp or icmp6 (add icmp,)", w.name));
            }
            continue;
        }
        const auto prereq = static_cast<Prereq>(w.requirement);
        if (!prereq_met(prereq, match_.key, match_.mask)) {
            return bad(w.token, prerequisite_message(w.name, prereq, match_));
        }
    }
    // Per storage as well (a field the table shares, e.g. nw_src under arp).
    if (Status s = match_.check_prerequisites(); !s) return s;
    Match m = match_;
    // "Untagged" has one form: a frame without a tag has vlan_tci 0, so once the present bit
    // is matched as 0 the PCP bits are 0 too; OpenFlow 1.3 can only say VID|present
    // (vlan_tci=0x0000/0x1fff), and that is what ovs-ofctl shows for dl_vlan=0xffff.
    if ((m.mask.vlan_tci & kVlanPresent) && !(m.key.vlan_tci & kVlanPresent)) {
        const auto mask = static_cast<std::uint16_t>(m.mask.vlan_tci & 0x1fff);
        m.set(FieldId::vlan_tci, m.key.vlan_tci & mask, mask);
    }
    return m;
}

}  // namespace sy::flow
