// Actions and instructions on the wire.
#include "openflow/actions.hpp"

#include "flow/flow_mod.hpp"
#include "flow/flow_validation.hpp"
#include "openflow/oxm.hpp"

namespace sy::openflow {

namespace {

using flow::Action;
using flow::ActionType;
using F = flow::FieldId;

enum : std::uint16_t {
    kOutput = 0,
    kPushVlan = 17,
    kPopVlan = 18,
    kSetQueue = 21,
    kGroup = 22,
    kDecNwTtl = 24,
    kSetField = 25,
    kExperimenter = 0xffff,
};
enum : std::uint16_t {
    kNxResubmit = 1,
    kNxRegMove = 6,
    kNxRegLoad = 7,
    kNxResubmitTable = 14,
    kNxRegLoad2 = 33,
};
enum : std::uint16_t {
    kGotoTable = 1,
    kWriteMetadata = 2,
    kWriteActions = 3,
    kApplyActions = 4,
    kClearActions = 5,
};

// OpenFlow 1.0 16-bit port numbers (Nicira resubmit) to 1.3's 32 bits.
flow::OfPort port_from16(std::uint16_t p) {
    return p >= 0xff00 ? 0xffff0000u | p : p;
}
std::uint16_t port_to16(flow::OfPort p) {
    return static_cast<std::uint16_t>(p >= 0xffff0000u ? p & 0xffff : p);
}

bool valid_out_port(flow::OfPort p) {
    return (p >= 1 && p <= flow::kOfpMax) || (p >= flow::kOfpInPort && p <= flow::kOfpLocal);
}

// The field an NXM/OXM header in an action names (value length must match).
std::optional<F> field_of_header(std::uint32_t header) {
    const auto f = oxm_by_wire(static_cast<std::uint16_t>(header >> 16),
                               static_cast<std::uint8_t>((header >> 9) & 0x7f));
    if (!f || (header & 0x100) || (header & 0xff) != f->length) return std::nullopt;
    return f->id;
}

// The OXM a written field goes out as, with its value and mask in that OXM's terms.
struct WireField {
    OxmField oxm;
    flow::FieldValue value, mask;
};
std::optional<WireField> wire_field(F id, flow::FieldValue value, flow::FieldValue mask,
                                    const flow::Match& m) {
    const bool arp = m.mask.dl_type == 0xffff && m.key.dl_type == 0x0806;
    const int proto = m.mask.nw_proto == 0xff ? m.key.nw_proto : -1;
    F as = id;
    switch (id) {
        case F::tp_src:
            as = proto == 17 ? F::udp_src : proto == 132 ? F::sctp_src : F::tcp_src;
            break;
        case F::tp_dst:
            as = proto == 17 ? F::udp_dst : proto == 132 ? F::sctp_dst : F::tcp_dst;
            break;
        case F::nw_src:
            as = arp ? F::arp_spa : F::nw_src;
            break;
        case F::nw_dst:
            as = arp ? F::arp_tpa : F::nw_dst;
            break;
        case F::nw_tos:
            as = F::ip_dscp;
            value >>= 2;
            mask >>= 2;
            break;
        case F::dl_vlan:
            as = F::vlan_vid;
            value |= flow::kVlanPresent;
            mask |= flow::kVlanPresent;
            break;
        case F::dl_vlan_pcp:
            as = F::vlan_pcp;
            break;
        default:
            break;
    }
    const auto oxm = oxm_by_field(as);
    if (!oxm) return std::nullopt;
    return WireField{*oxm, value, mask};
}

std::uint32_t header_of(const OxmField& f) {
    return static_cast<std::uint32_t>(f.oxm_class) << 16 | static_cast<std::uint32_t>(f.field) << 9 |
           f.length;
}

std::optional<OfError> decode_set_field(Reader body, bool mask_allowed, Action& a) {
    OxmEntry e;
    if (body.remaining() < 4) return err::action_bad_set_len;
    if (auto error = decode_oxm(body, e)) {
        return error == err::match_bad_field ? err::action_bad_set_type : err::action_bad_set_len;
    }
    if (e.has_mask && !mask_allowed) return err::action_bad_set_argument;
    for (std::uint8_t b : body.rest()) {
        if (b != 0) return err::action_bad_set_len;  // only zero padding may follow
    }
    if (!flow::field_info(e.id).writable) return err::action_bad_set_type;
    a.type = ActionType::set_field;
    a.field = e.id;
    a.value = e.value;
    a.mask = e.mask;
    return std::nullopt;
}

std::optional<OfError> decode_nicira(Reader body, Action& a) {
    if (body.remaining() < 2) return err::action_bad_len;
    const std::uint16_t subtype = body.u16();
    switch (subtype) {
        case kNxResubmit:
        case kNxResubmitTable: {
            if (body.remaining() != 6) return err::action_bad_len;
            a.type = ActionType::resubmit;
            a.port = port_from16(body.u16());
            a.table = subtype == kNxResubmitTable ? body.u8() : 0xff;
            return std::nullopt;
        }
        case kNxRegLoad: {
            if (body.remaining() != 14) return err::action_bad_len;
            const std::uint16_t ofs_nbits = body.u16();
            const auto field = field_of_header(body.u32());
            const std::uint64_t value = body.u64();
            if (!field) return err::action_bad_set_type;
            const unsigned ofs = ofs_nbits >> 6, n = (ofs_nbits & 0x3f) + 1u;
            if (ofs + n > flow::subfield_width(*field) || (n < 64 && (value >> n) != 0))
                return err::action_bad_argument;
            if (!flow::field_info(*field).writable) return err::action_bad_set_type;
            const flow::FieldValue ones = n >= 64 ? ~0ull : (1ull << n) - 1;
            a.type = ActionType::set_field;
            a.field = *field;
            a.value = static_cast<flow::FieldValue>(value) << ofs;
            a.mask = ones << ofs;
            return std::nullopt;
        }
        case kNxRegLoad2:
            return decode_set_field(body, true, a);
        case kNxRegMove: {
            if (body.remaining() != 14) return err::action_bad_len;
            const std::uint16_t n_bits = body.u16();
            const std::uint16_t src_ofs = body.u16(), dst_ofs = body.u16();
            const auto src = field_of_header(body.u32());
            const auto dst = field_of_header(body.u32());
            if (!src || !dst) return err::action_bad_argument;
            if (n_bits == 0 || src_ofs + n_bits > flow::subfield_width(*src) ||
                dst_ofs + n_bits > flow::subfield_width(*dst))
                return err::action_bad_argument;
            a.type = ActionType::move;
            a.src = {*src, static_cast<std::uint8_t>(src_ofs), static_cast<std::uint8_t>(n_bits)};
            a.dst = {*dst, static_cast<std::uint8_t>(dst_ofs), static_cast<std::uint8_t>(n_bits)};
            return std::nullopt;
        }
        default:
            return err::action_bad_exp_type;
    }
}

std::optional<OfError> decode_action(std::uint16_t type, Reader body, Action& a) {
    switch (type) {
        case kOutput: {
            if (body.remaining() != 12) return err::action_bad_len;
            const flow::OfPort port = body.u32();
            const std::uint16_t max_len = body.u16();
            if (port == flow::kOfpController) {
                a.type = ActionType::controller;
                a.max_len = max_len;
                return std::nullopt;
            }
            if (!valid_out_port(port)) return err::action_bad_out_port;
            a.type = ActionType::output;
            a.port = port;
            return std::nullopt;
        }
        case kPushVlan: {
            if (body.remaining() != 4) return err::action_bad_len;
            a.type = ActionType::push_vlan;
            a.ethertype = body.u16();
            if (a.ethertype != 0x8100 && a.ethertype != 0x88a8) return err::action_bad_argument;
            return std::nullopt;
        }
        case kPopVlan:
            if (body.remaining() != 4) return err::action_bad_len;
            a.type = ActionType::pop_vlan;
            return std::nullopt;
        case kDecNwTtl:
            if (body.remaining() != 4) return err::action_bad_len;
            a.type = ActionType::dec_ttl;
            return std::nullopt;
        case kSetField:
            return decode_set_field(body, false, a);
        case kExperimenter: {
            if (body.remaining() < 4) return err::action_bad_len;
            if (body.u32() != kNiciraVendor) return err::action_bad_experimenter;
            return decode_nicira(body, a);
        }
        case kGroup:
            return err::action_bad_out_group;
        default:
            return err::action_bad_type;
    }
}

void begin(Writer& w, std::uint16_t type, std::size_t& at) {
    at = w.size();
    w.u16(type);
    w.u16(0);
}
void finish(Writer& w, std::size_t at) {
    w.pad8(at);
    w.put16(at + 2, static_cast<std::uint16_t>(w.size() - at));
}

void encode_action(Writer& w, const Action& a, const flow::Match& m) {
    std::size_t at = 0;
    switch (a.type) {
        case ActionType::output:
        case ActionType::controller:
            begin(w, kOutput, at);
            w.u32(a.type == ActionType::controller ? flow::kOfpController : a.port);
            w.u16(a.type == ActionType::controller ? a.max_len : 0);
            w.zeros(6);
            break;
        case ActionType::push_vlan:
            begin(w, kPushVlan, at);
            w.u16(a.ethertype);
            w.zeros(2);
            break;
        case ActionType::pop_vlan:
            begin(w, kPopVlan, at);
            w.zeros(4);
            break;
        case ActionType::dec_ttl:
            begin(w, kDecNwTtl, at);
            w.zeros(4);
            break;
        case ActionType::resubmit:
            begin(w, kExperimenter, at);
            w.u32(kNiciraVendor);
            w.u16(kNxResubmitTable);
            w.u16(port_to16(a.port));
            w.u8(a.table);
            w.zeros(3);
            break;
        case ActionType::set_field:
        case ActionType::mod_vlan_vid:
        case ActionType::mod_vlan_pcp: {
            F field = a.field;
            flow::FieldValue value = a.value, mask = a.mask;
            if (a.type == ActionType::mod_vlan_vid) {
                field = F::dl_vlan;
                mask = flow::field_all_ones(field);
            } else if (a.type == ActionType::mod_vlan_pcp) {
                field = F::dl_vlan_pcp;
                mask = flow::field_all_ones(field);
            }
            const bool full = mask == flow::field_all_ones(field);
            const auto wf = wire_field(field, value, mask, m);
            if (!wf) return;  // no OpenFlow form (documented in docs/openflow.md)
            if (full) {
                begin(w, kSetField, at);
                encode_oxm(w, wf->oxm, wf->value, 0, false);
            } else {
                begin(w, kExperimenter, at);
                w.u32(kNiciraVendor);
                w.u16(kNxRegLoad2);
                encode_oxm(w, wf->oxm, wf->value & wf->mask, wf->mask, true);
            }
            break;
        }
        case ActionType::move: {
            const auto src = oxm_by_field(a.src.field), dst = oxm_by_field(a.dst.field);
            if (!src || !dst) return;
            begin(w, kExperimenter, at);
            w.u32(kNiciraVendor);
            w.u16(kNxRegMove);
            w.u16(static_cast<std::uint16_t>(flow::subfield_bits(a.src)));
            w.u16(a.src.ofs);
            w.u16(a.dst.ofs);
            w.u32(header_of(*src));
            w.u32(header_of(*dst));
            break;
        }
    }
    finish(w, at);
}

}  // namespace

std::optional<OfError> decode_actions(Reader r, flow::ActionList& out) {
    out.clear();
    while (!r.empty()) {
        if (r.remaining() < 4) return err::action_bad_len;
        const std::uint16_t type = r.peek16(0);
        const std::uint16_t len = r.peek16(2);
        if (len < 8 || len % 8 != 0 || len > r.remaining()) return err::action_bad_len;
        Reader body = r.sub(len);
        body.skip(4);
        Action a;
        if (auto error = decode_action(type, body, a)) return error;
        if (out.size() >= 256) return err::action_too_many;
        out.push_back(a);
    }
    return std::nullopt;
}

std::optional<OfError> decode_instructions(Reader r, flow::Instructions& out) {
    out = flow::Instructions{};
    bool seen[6] = {};
    while (!r.empty()) {
        if (r.remaining() < 4) return err::inst_bad_len;
        const std::uint16_t type = r.peek16(0);
        const std::uint16_t len = r.peek16(2);
        if (len < 8 || len % 8 != 0 || len > r.remaining()) return err::inst_bad_len;
        Reader body = r.sub(len);
        body.skip(4);
        if (type >= 1 && type <= 5) {
            if (seen[type]) return err::inst_unsupported;  // one of each (OF 1.3.5 5.9)
            seen[type] = true;
        }
        switch (type) {
            case kGotoTable: {
                if (len != 8) return err::inst_bad_len;
                const std::uint8_t table = body.u8();
                if (table >= flow::kNumTables) return err::inst_bad_table_id;
                out.goto_table = table;
                break;
            }
            case kWriteMetadata: {
                if (len != 24) return err::inst_bad_len;
                body.skip(4);
                flow::WriteMetadata md;
                md.value = body.u64();
                md.mask = body.u64();
                out.write_metadata = md;
                break;
            }
            case kWriteActions:
            case kApplyActions: {
                body.skip(4);
                flow::ActionList list;
                if (auto error = decode_actions(body, list)) return error;
                if (type == kApplyActions) {
                    out.apply = std::move(list);
                } else {
                    out.write_actions = std::move(list);
                }
                break;
            }
            case kClearActions:
                if (len != 8) return err::inst_bad_len;
                out.clear_actions = true;
                break;
            case 6:  // OFPIT_METER: no meters here
            case 0xffff:
                return err::inst_unsupported;
            default:
                return err::inst_unknown;
        }
    }
    return std::nullopt;
}

void encode_actions(Writer& w, const flow::ActionList& actions, const flow::Match& match) {
    for (const Action& a : actions) encode_action(w, a, match);
}

void encode_instructions(Writer& w, const flow::Instructions& ins, const flow::Match& match) {
    // In the order they execute (apply, clear, write, metadata, goto), as ovs-ofctl prints them.
    std::size_t at = 0;
    if (!ins.apply.empty()) {
        begin(w, kApplyActions, at);
        w.zeros(4);
        encode_actions(w, ins.apply, match);
        finish(w, at);
    }
    if (ins.clear_actions) {
        begin(w, kClearActions, at);
        w.zeros(4);
        finish(w, at);
    }
    if (ins.write_actions) {
        begin(w, kWriteActions, at);
        w.zeros(4);
        encode_actions(w, *ins.write_actions, match);
        finish(w, at);
    }
    if (ins.write_metadata) {
        begin(w, kWriteMetadata, at);
        w.zeros(4);
        w.u64(ins.write_metadata->value);
        w.u64(ins.write_metadata->mask);
        finish(w, at);
    }
    if (ins.goto_table) {
        begin(w, kGotoTable, at);
        w.u8(*ins.goto_table);
        w.zeros(3);
        finish(w, at);
    }
}

}  // namespace sy::openflow
