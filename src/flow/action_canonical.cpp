#include "flow/action_canonical.hpp"

namespace sy::flow {
namespace {

// The field a write to `field` is stored as, and how far its bits move (ip_dscp's value
// sits 2 bits up in nw_tos).
struct Canonical {
    FieldId field;
    unsigned shift;
};
Canonical canonical_field(FieldId field) {
    switch (field) {
        case FieldId::tcp_src:
        case FieldId::udp_src:
        case FieldId::sctp_src:
            return {FieldId::tp_src, 0};
        case FieldId::tcp_dst:
        case FieldId::udp_dst:
        case FieldId::sctp_dst:
            return {FieldId::tp_dst, 0};
        case FieldId::ip_dscp:
            return {FieldId::nw_tos, 2};
        default:
            return {field, 0};
    }
}

void canonical_subfield(SubField& sf) {
    const Canonical c = canonical_field(sf.field);
    sf.field = c.field;
    sf.ofs = static_cast<std::uint8_t>(sf.ofs + c.shift);
}

}  // namespace

void canonicalize(ActionList& actions) {
    ActionList out;
    out.reserve(actions.size());
    for (Action a : actions) {
        if (a.type == ActionType::move) {
            canonical_subfield(a.src);
            canonical_subfield(a.dst);
        }
        if (a.type != ActionType::set_field) {
            out.push_back(a);
            continue;
        }
        const Canonical c = canonical_field(a.field);
        a.field = c.field;
        a.value <<= c.shift;
        a.mask <<= c.shift;
        a.value &= a.mask;
        const FieldValue all = field_all_ones(a.field);
        FieldValue rest = a.mask & all;
        if (rest == all || rest == 0) {
            out.push_back(a);
            continue;
        }
        // One action per run of ones, lowest first.
        while (rest != 0) {
            const FieldValue low = rest & (~rest + 1);  // lowest set bit
            FieldValue run = rest;
            // The run starting at `low`: the ones contiguous with it.
            FieldValue probe = low;
            FieldValue seg = 0;
            while (probe != 0 && (run & probe) != 0) {
                seg |= probe;
                probe <<= 1;
            }
            Action part = a;
            part.mask = seg;
            part.value = a.value & seg;
            out.push_back(part);
            rest &= ~seg;
        }
    }
    actions = std::move(out);
}

void canonicalize(Instructions& ins) {
    canonicalize(ins.apply);
    if (ins.write_actions) {
        canonicalize(*ins.write_actions);
        if (ins.write_actions->empty()) ins.write_actions.reset();
    }
}

}  // namespace sy::flow
