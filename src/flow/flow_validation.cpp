#include "flow/flow_validation.hpp"

#include <fmt/core.h>

#include "flow/flow_mod.hpp"

namespace sy::flow {
namespace {

std::string hex(FieldValue v) {
    if (v == 0) return "0";
    std::string s;
    while (v != 0) {
        s.insert(s.begin(), "0123456789abcdef"[static_cast<unsigned>(v & 0xf)]);
        v >>= 4;
    }
    return "0x" + s;
}

std::string port_text(OfPort p) {
    if (auto name = reserved_port_name(p)) return std::string(*name);
    return std::to_string(p);
}

std::string subfield_text(const SubField& sf) {
    const unsigned n = subfield_bits(sf);
    return fmt::format("{}[{}..{}]", field_info(sf.field).name, unsigned(sf.ofs),
                       unsigned(sf.ofs) + (n == 0 ? 0 : n - 1));
}

// Enough of ovs-actions(7) syntax to say which action a message is about.
std::string describe(const Action& a) {
    switch (a.type) {
        case ActionType::output:
            return "output:" + port_text(a.port);
        case ActionType::controller:
            return fmt::format("controller(max_len={})", a.max_len);
        case ActionType::resubmit:
            return fmt::format("resubmit({},{})", a.port == kOfpInPort ? "" : port_text(a.port),
                               a.table == 0xff ? std::string() : std::to_string(a.table));
        case ActionType::set_field:
            return fmt::format("set_field:{}->{}", hex(a.value), field_info(a.field).name);
        case ActionType::move:
            return "move:" + subfield_text(a.src) + "->" + subfield_text(a.dst);
        case ActionType::push_vlan:
            return fmt::format("push_vlan:{:#06x}", a.ethertype);
        case ActionType::pop_vlan:
            return "pop_vlan";
        case ActionType::mod_vlan_vid:
            return "mod_vlan_vid:" + std::to_string(static_cast<unsigned>(a.value));
        case ActionType::mod_vlan_pcp:
            return "mod_vlan_pcp:" + std::to_string(static_cast<unsigned>(a.value));
        case ActionType::dec_ttl:
            return "dec_ttl";
    }
    return "?";
}

bool valid_output_port(OfPort p) {
    switch (p) {
        case kOfpInPort:
        case kOfpTable:
        case kOfpNormal:
        case kOfpFlood:
        case kOfpAll:
        case kOfpController:
        case kOfpLocal:
            return true;
        default:
            return p <= kOfpMax;
    }
}

Rejection reject(FlowModError e, std::string m) {
    return Rejection{e, std::move(m)};
}

std::optional<Rejection> check_field_prereq(const std::string& what, FieldId f, const Match& m) {
    const FieldInfo& info = field_info(f);
    if (prereq_met(info.prereq, m.key, m.mask)) return std::nullopt;
    return reject(
        FlowModError::match_inconsistent,
        fmt::format("{}: {} needs a match on {}", what, info.name, prereq_text(info.prereq)));
}

std::optional<Rejection> check_subfield(const std::string& what, const SubField& sf) {
    const unsigned width = subfield_width(sf.field);
    const unsigned n = subfield_bits(sf);
    if (sf.ofs >= width || n == 0 || sf.ofs + n > width) {
        return reject(FlowModError::bad_argument,
                      fmt::format("{}: {} is outside {} ({} bits)", what, subfield_text(sf),
                                  field_info(sf.field).name, width));
    }
    return std::nullopt;
}

std::optional<Rejection> check_action(const Action& a, bool in_action_set, const Match& m) {
    const std::string what =
        (in_action_set ? "write_actions(" : "") + describe(a) + (in_action_set ? ")" : "");
    switch (a.type) {
        case ActionType::output:
            if (!valid_output_port(a.port)) {
                return reject(FlowModError::bad_out_port,
                              fmt::format("{}: {} is not a port a flow can output to", what,
                                          port_text(a.port)));
            }
            return std::nullopt;
        case ActionType::controller:
            if (in_action_set) {
                return reject(FlowModError::bad_action,
                              what +
                                  ": controller is not allowed in an action set (it holds "
                                  "output, resubmit, set_field, move, push_vlan, pop_vlan, "
                                  "mod_vlan_vid, mod_vlan_pcp and dec_ttl)");
            }
            return std::nullopt;
        case ActionType::resubmit:
            return std::nullopt;  // any table (0xff: this one), any port: resubmit may go back
        case ActionType::set_field: {
            const FieldInfo& f = field_info(a.field);
            if (!f.writable) {
                return reject(FlowModError::bad_set_field,
                              fmt::format("{}: {} cannot be written", what, f.name));
            }
            const FieldValue all = field_all_ones(a.field);
            if ((a.value & ~all) != 0 || (a.mask & ~all) != 0) {
                return reject(FlowModError::bad_set_field,
                              fmt::format("{}: the value does not fit in {} ({} bits)", what,
                                          f.name, subfield_width(a.field)));
            }
            return check_field_prereq(what, a.field, m);
        }
        case ActionType::move: {
            if (auto r = check_subfield(what, a.src)) return r;
            if (auto r = check_subfield(what, a.dst)) return r;
            if (!field_info(a.dst.field).writable) {
                return reject(
                    FlowModError::bad_set_field,
                    fmt::format("{}: {} cannot be written", what, field_info(a.dst.field).name));
            }
            if (subfield_bits(a.src) != subfield_bits(a.dst)) {
                return reject(FlowModError::bad_argument,
                              fmt::format("{}: the source has {} bits but the destination {}", what,
                                          subfield_bits(a.src), subfield_bits(a.dst)));
            }
            if (auto r = check_field_prereq(what, a.src.field, m)) return r;
            return check_field_prereq(what, a.dst.field, m);
        }
        case ActionType::push_vlan:
            if (a.ethertype != 0x8100 && a.ethertype != 0x88a8) {
                return reject(FlowModError::bad_argument,
                              what + ": the ethertype must be 0x8100 or 0x88a8");
            }
            return std::nullopt;
        case ActionType::mod_vlan_vid:
            if (a.value > 4095) {
                return reject(FlowModError::bad_argument, what + ": a VLAN ID is 0 to 4095");
            }
            return std::nullopt;
        case ActionType::mod_vlan_pcp:
            if (a.value > 7) {
                return reject(FlowModError::bad_argument, what + ": a VLAN PCP is 0 to 7");
            }
            return std::nullopt;
        case ActionType::pop_vlan:
        case ActionType::dec_ttl:
            return std::nullopt;
    }
    return reject(FlowModError::bad_action, "unknown action type");
}

}  // namespace

const char* to_string(FlowModError error) {
    switch (error) {
        case FlowModError::none:
            return "none";
        case FlowModError::bad_command:
            return "bad_command";
        case FlowModError::bad_table_id:
            return "bad_table_id";
        case FlowModError::bad_goto_table:
            return "bad_goto_table";
        case FlowModError::bad_match_prereq:
            return "bad_match_prereq";
        case FlowModError::bad_out_port:
            return "bad_out_port";
        case FlowModError::bad_action:
            return "bad_action";
        case FlowModError::bad_argument:
            return "bad_argument";
        case FlowModError::bad_set_field:
            return "bad_set_field";
        case FlowModError::match_inconsistent:
            return "match_inconsistent";
        case FlowModError::overlap:
            return "overlap";
    }
    return "?";
}

const char* prereq_text(Prereq prereq) {
    switch (prereq) {
        case Prereq::none:
            return "nothing";
        case Prereq::ip_any:
            return "ip or ipv6 (dl_type=0x0800 or 0x86dd)";
        case Prereq::ipv4:
            return "ip (dl_type=0x0800)";
        case Prereq::ipv6:
            return "ipv6 (dl_type=0x86dd)";
        case Prereq::arp:
            return "arp (dl_type=0x0806)";
        case Prereq::ipv4_or_arp:
            return "ip or arp (dl_type=0x0800 or 0x0806)";
        case Prereq::ip_any_or_arp:
            return "ip, ipv6 or arp (dl_type=0x0800, 0x86dd or 0x0806)";
        case Prereq::l4_ports:
            return "tcp, udp or sctp (nw_proto=6, 17 or 132)";
        case Prereq::tcp:
            return "tcp (nw_proto=6)";
        case Prereq::udp:
            return "udp (nw_proto=17)";
        case Prereq::sctp:
            return "sctp (nw_proto=132)";
        case Prereq::icmpv4:
            return "icmp (dl_type=0x0800,nw_proto=1)";
        case Prereq::icmpv6:
            return "icmp6 (dl_type=0x86dd,nw_proto=58)";
    }
    return "?";
}

unsigned subfield_width(FieldId field) {
    const FieldInfo& f = field_info(field);
    return f.in_place ? f.shift + f.n_bits : f.n_bits;
}

unsigned subfield_bits(const SubField& sf) {
    if (sf.n_bits != 0) return sf.n_bits;
    const unsigned width = subfield_width(sf.field);
    return sf.ofs < width ? width - sf.ofs : 0;
}

std::optional<Rejection> check_match(const Match& match) {
    if (Status s = match.check_prerequisites(); !s) {
        return reject(FlowModError::bad_match_prereq, s.message());
    }
    return std::nullopt;
}

std::optional<Rejection> check_instructions(const Instructions& ins, std::uint8_t table,
                                            const Match& match) {
    for (const Action& a : ins.apply) {
        if (auto r = check_action(a, false, match)) return r;
    }
    if (ins.write_actions) {
        for (const Action& a : *ins.write_actions) {
            if (auto r = check_action(a, true, match)) return r;
        }
    }
    if (ins.goto_table) {
        const unsigned to = *ins.goto_table;
        if (to >= static_cast<unsigned>(kNumTables)) {
            return reject(FlowModError::bad_goto_table,
                          fmt::format("goto_table:{}: the last table is {}", to, kNumTables - 1));
        }
        if (to <= table) {
            return reject(FlowModError::bad_goto_table,
                          fmt::format("goto_table:{} in table {}: goto_table must name a later "
                                      "table (resubmit can go back)",
                                      to, unsigned(table)));
        }
    }
    return std::nullopt;
}

}  // namespace sy::flow
