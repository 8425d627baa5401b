#include "flow/action_format.hpp"

#include <fmt/format.h>

#include "flow/field_syntax.hpp"
#include "flow/subfield_syntax.hpp"
#include "flow/syntax_ports.hpp"
#include "flow/syntax_values.hpp"

namespace sy::flow {
namespace {

int lowest_bit(FieldValue v) {
    int i = 0;
    while (i < 128 && ((v >> i) & 1) == 0) ++i;
    return i;
}

std::string format_set_field(const Action& a, const PortNamer& ports) {
    const FieldValue all = field_all_ones(a.field);
    const FieldValue mask = a.mask & all;
    const FieldValue value = a.value & mask;
    if (mask == all) {
        const std::string v = format_field_value(a.field, value, mask, ports);
        switch (a.field) {
            case FieldId::dl_src:
                return "mod_dl_src:" + v;
            case FieldId::dl_dst:
                return "mod_dl_dst:" + v;
            case FieldId::nw_src:
                return "mod_nw_src:" + v;
            case FieldId::nw_dst:
                return "mod_nw_dst:" + v;
            case FieldId::tp_src:
                return "mod_tp_src:" + v;
            case FieldId::tp_dst:
                return "mod_tp_dst:" + v;
            case FieldId::nw_tos:
                return "mod_nw_tos:" + v;
            case FieldId::nw_ecn:
                return "mod_nw_ecn:" + v;
            case FieldId::nw_ttl:
                return "mod_nw_ttl:" + v;
            default:
                return fmt::format("set_field:{}->{}", v, field_info(a.field).name);
        }
    }
    if (is_contiguous(mask)) {
        SubField sf;
        sf.field = a.field;
        sf.ofs = static_cast<std::uint8_t>(lowest_bit(mask));
        int n = 0;
        while (sf.ofs + n < 128 && ((mask >> (sf.ofs + n)) & 1)) ++n;
        sf.n_bits = static_cast<std::uint8_t>(n);
        return fmt::format("load:{}->{}", hex_value(value >> sf.ofs), format_subfield(sf));
    }
    return fmt::format("set_field:{}->{}", format_field_value(a.field, value, mask, ports),
                       field_info(a.field).name);
}

}  // namespace

std::string format_action(const Action& a, const PortNamer& ports) {
    switch (a.type) {
        case ActionType::output:
            if (reserved_port_name(a.port)) return format_port(a.port, ports);
            return "output:" + format_port(a.port, ports);
        case ActionType::controller:
            return fmt::format("CONTROLLER:{}", a.max_len);
        case ActionType::resubmit: {
            if (a.port != kOfpInPort && a.table == 0xff)
                return "resubmit:" + format_port(a.port, ports);
            const std::string port = a.port == kOfpInPort ? "" : format_port(a.port, ports);
            const std::string table = a.table == 0xff ? "" : fmt::format("{}", a.table);
            return fmt::format("resubmit({},{})", port, table);
        }
        case ActionType::set_field:
            return format_set_field(a, ports);
        case ActionType::move:
            return fmt::format("move:{}->{}", format_subfield(a.src), format_subfield(a.dst));
        case ActionType::push_vlan:
            return fmt::format("push_vlan:{:#x}", a.ethertype);
        case ActionType::pop_vlan:
            return "pop_vlan";
        case ActionType::mod_vlan_vid:
            return fmt::format("mod_vlan_vid:{}", static_cast<unsigned>(a.value));
        case ActionType::mod_vlan_pcp:
            return fmt::format("mod_vlan_pcp:{}", static_cast<unsigned>(a.value));
        case ActionType::dec_ttl:
            return "dec_ttl";
    }
    return "?";
}

std::string format_actions(const ActionList& actions, const PortNamer& ports) {
    if (actions.empty()) return "drop";
    std::string s;
    for (const Action& a : actions) {
        if (!s.empty()) s += ',';
        s += format_action(a, ports);
    }
    return s;
}

std::vector<std::string> instruction_strings(const Instructions& ins, const PortNamer& ports) {
    std::vector<std::string> out;
    for (const Action& a : ins.apply) out.push_back(format_action(a, ports));
    if (ins.clear_actions) out.emplace_back("clear_actions");
    if (ins.write_actions)
        out.push_back("write_actions(" + format_actions(*ins.write_actions, ports) + ")");
    if (ins.write_metadata) {
        const WriteMetadata& w = *ins.write_metadata;
        out.push_back(w.mask == ~0ull ? "write_metadata:" + c_hex(w.value)
                                      : "write_metadata:" + c_hex(w.value) + "/" + c_hex(w.mask));
    }
    if (ins.goto_table) out.push_back(fmt::format("goto_table:{}", *ins.goto_table));
    return out;
}

std::string format_instructions(const Instructions& ins, const PortNamer& ports) {
    const std::vector<std::string> parts = instruction_strings(ins, ports);
    if (parts.empty()) return "drop";
    std::string s;
    for (const std::string& p : parts) {
        if (!s.empty()) s += ',';
        s += p;
    }
    return s;
}

}  // namespace sy::flow
