// The execute stage: a packet's Program, op by op (flow/program.hpp has the semantics).
#include "datapath/egress.hpp"
#include "datapath/pipeline.hpp"
#include "datapath/set_field.hpp"
#include "offload/csum_complete.hpp"
#include "offload/rewrite.hpp"

#include <algorithm>
#include <cstring>
#include "port/vlan_tag.hpp"

namespace sy::datapath {

namespace {

using flow::Op;
using flow::OpType;

DropReason to_drop(flow::ProgramDrop d) {
    switch (d) {
        case flow::ProgramDrop::no_match:
            return DropReason::flow_no_match;
        case flow::ProgramDrop::ttl_expired:
            return DropReason::flow_ttl_expired;
        case flow::ProgramDrop::too_many_resubmits:
            return DropReason::flow_too_many_resubmits;
        case flow::ProgramDrop::too_many_ops:
            return DropReason::flow_too_many_ops;
        default:
            return DropReason::flow_drop;
    }
}

// A packet-changing op. nullopt: done; else why the packet cannot go on.
std::optional<DropReason> apply(Packet& p, const Op& op) {
    switch (op.type) {
        case OpType::set_field:
            if (!apply_set_field(p, op.field, op.value)) return DropReason::flow_rewrite_failed;
            return std::nullopt;
        case OpType::push_vlan:
            if (!port::insert_vlan_tag(p, op.arg, static_cast<std::uint16_t>(op.value)))
                return DropReason::vlan_no_headroom;
            return std::nullopt;
        case OpType::pop_vlan:
            l2::vlan_pop(p);  // no tag: nothing to pop (as in OVS)
            return std::nullopt;
        case OpType::dec_ttl:
            if (offload::decrement_ttl(p, ensure_parsed(p)) != offload::RewriteStatus::ok)
                return DropReason::flow_ttl_expired;
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

}  // namespace

// FLOOD and ALL: every port of the bridge but the ingress, the packet as it is (VLAN policy
// is NORMAL's business, not an explicit output's).
static std::optional<DropReason> flood_all(Worker& w, SwitchPort& in, Packet* p) {
    std::vector<SwitchPort*>& targets = w.flood_targets();
    targets.clear();
    for (SwitchPort* sp : in.bridge->ports) {
        if (sp != &in && sp->up) targets.push_back(sp);
    }
    if (targets.empty()) return DropReason::no_destination;
    for (std::size_t i = 0; i + 1 < targets.size(); ++i) {
        Packet* c = clone_packet(w, *p);
        if (!c) {
            w.lane(in.id)->counters.drop(DropReason::flow_no_buffer);
            continue;
        }
        send_to_port(w, *targets[i], c);
    }
    send_to_port(w, *targets.back(), p);
    return std::nullopt;
}

std::optional<DropReason> Pipeline::to_controller(SwitchPort& in, Packet* p, const Op& op) {
    if (!packet_ins_ || !in.bridge->packet_in) return DropReason::controller_none;
    // The controller sees a whole packet: a partial checksum is finished first (it may send
    // the bytes back in a packet-out, which carries no offload metadata).
    if (p->offload.is_partial()) (void)offload::complete_partial(*p, ensure_parsed(*p));
    const bool queued = packet_ins_->push([&](PacketInRecord& r) {
        r.bridge_id = in.bridge->id;
        r.in_port = in.ofport;
        r.reason = static_cast<std::uint8_t>(op.reason);
        r.table = op.table;
        r.cookie = op.cookie;
        r.total_len = p->length;
        std::uint32_t n = std::min<std::uint32_t>(p->length, op.arg);
        n = std::min<std::uint32_t>(n, PacketInRecord::kMaxData);
        r.length = n;
        std::memcpy(r.data, p->data(), n);
    });
    if (!queued) return DropReason::controller_queue_full;
    release(p);
    return std::nullopt;
}

std::optional<DropReason> Pipeline::run_program(Worker& w, SwitchPort& in, Packet* p,
                                                const flow::Program& prog,
                                                NormalBurstCache& cache) {
    int last_out = -1;
    for (int i = prog.count - 1; i >= 0; --i) {
        if (is_output(prog.ops[i].type)) {
            last_out = i;
            break;
        }
    }
    if (last_out < 0) return to_drop(prog.drop);
    LaneCounters& c = w.lane(in.id)->counters;
    for (int i = 0; i <= last_out; ++i) {
        const Op& op = prog.ops[i];
        if (!is_output(op.type)) {
            if (auto r = apply(*p, op)) return r;
            continue;
        }
        const bool final = i == last_out;
        Packet* out = final ? p : clone_packet(w, *p);  // an output is a snapshot
        if (!out) {
            c.drop(DropReason::flow_no_buffer);
            continue;
        }
        std::optional<DropReason> r;
        switch (op.type) {
            case OpType::output: {
                SwitchPort* dst = in.bridge->port_by_ofport(op.port);
                if (!dst || !dst->up) {
                    r = DropReason::flow_no_port;
                } else {
                    send_to_port(w, *dst, out);
                }
                break;
            }
            case OpType::in_port:
                send_to_port(w, in, out);
                break;
            case OpType::normal:
                r = normal_.run(w, in, out, cache);
                break;
            case OpType::flood:
            case OpType::all:
                r = flood_all(w, in, out);
                break;
            case OpType::controller:
                r = to_controller(in, out, op);
                if (!r) continue;
                break;
            default:
                break;
        }
        if (final) return r;
        if (r) {
            c.drop(*r);
            release(out);
        }
    }
    return std::nullopt;
}

}  // namespace sy::datapath
