#include "flow/action.hpp"

#include "flow/instructions.hpp"

namespace sy::flow {

bool Action::operator==(const Action& o) const {
    if (type != o.type) return false;
    switch (type) {
        case ActionType::output:
            return port == o.port;
        case ActionType::controller:
            return max_len == o.max_len;
        case ActionType::resubmit:
            return port == o.port && table == o.table;
        case ActionType::set_field:
            return field == o.field && value == o.value && mask == o.mask;
        case ActionType::move:
            return src.field == o.src.field && src.ofs == o.src.ofs && src.n_bits == o.src.n_bits &&
                   dst.field == o.dst.field && dst.ofs == o.dst.ofs && dst.n_bits == o.dst.n_bits;
        case ActionType::push_vlan:
            return ethertype == o.ethertype;
        case ActionType::mod_vlan_vid:
        case ActionType::mod_vlan_pcp:
            return value == o.value;
        case ActionType::pop_vlan:
        case ActionType::dec_ttl:
            return true;
    }
    return false;
}

bool Instructions::outputs_to(OfPort port) const {
    auto in = [port](const ActionList& list) {
        for (const Action& a : list) {
            if (a.type == ActionType::output && a.port == port) return true;
            if (a.type == ActionType::controller && port == kOfpController) return true;
        }
        return false;
    };
    return in(apply) || (write_actions && in(*write_actions));
}

}  // namespace sy::flow
