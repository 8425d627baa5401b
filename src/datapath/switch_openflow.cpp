// SwitchCore's OpenFlow hooks: packet-in hand-off, fail-open, packet-out and the timed-out
// flows the agent reports as FLOW_REMOVED (docs/openflow.md).
#include <fmt/core.h>

#include "datapath/egress.hpp"
#include "datapath/normal_action.hpp"
#include "datapath/switch_core.hpp"
#include "flow/key_extract.hpp"
#include "flow/translate.hpp"

namespace sy::datapath {

Status SwitchCore::set_openflow_state(const std::string& bridge, bool packet_in, bool fail_open) {
    RoundLock::Control lk(lock_);
    Bridge* br = registry_.bridge(bridge);
    if (!br) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    if (br->fail_open != fail_open && !br->flows_default) worker_.ensure_cache(br->id);
    br->packet_in = packet_in;
    br->fail_open = fail_open;
    return Status::ok();
}

std::size_t SwitchCore::take_packet_ins(const std::function<void(const PacketInRecord&)>& use,
                                        std::size_t max) {
    std::size_t n = 0;
    while (n < max && packet_ins_.pop(use)) ++n;
    return n;
}

std::vector<std::pair<std::uint32_t, flow::RemovedFlow>> SwitchCore::take_expired_flows() {
    std::lock_guard lk(expired_mutex_);
    return std::exchange(expired_, {});
}

flow::Program SwitchCore::packet_out_program(Bridge& br, const flow::ActionList& actions,
                                             const flow::FlowKey& key) {
    if (actions.size() == 1 && actions[0].type == flow::ActionType::output &&
        actions[0].port == flow::kOfpTable) {
        return flow::translate(*br.flows, key).program;
    }
    // The actions as the one flow of scratch tables, matched on the packet's own dl_type
    // and nw_proto so set_field prerequisites hold where the packet has them.
    const std::uint64_t now = options_.clock();
    if (!scratch_tables_) scratch_tables_ = flow::make_bridge_tables(now);
    flow::FlowMod del;
    del.command = flow::FlowModCommand::del;
    del.table = flow::kAllTables;
    flow::FlowMod add;
    add.match.set(flow::FieldId::dl_type, key.dl_type);
    if (key.dl_type == 0x0800 || key.dl_type == 0x86dd || key.dl_type == 0x0806)
        add.match.set(flow::FieldId::nw_proto, key.nw_proto);
    add.instructions.apply = actions;
    const flow::FlowMod mods[] = {del, add};
    flow::Program none;
    none.drop = flow::ProgramDrop::actions_drop;
    if (!scratch_tables_->apply(mods, now)) return none;
    return flow::translate(*scratch_tables_, key).program;
}

Status SwitchCore::packet_out(const std::string& bridge, std::uint32_t in_port,
                              const flow::ActionList& actions,
                              std::span<const std::uint8_t> frame) {
    if (frame.size() < 14) return Status(Errc::invalid_argument, "packet-out: frame shorter than 14 bytes");
    RoundLock::Control lk(lock_);
    Bridge* br = registry_.bridge(bridge);
    if (!br) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    SwitchPort* in = br->port_by_ofport(in_port);
    if (in && !in->up) in = nullptr;
    Packet* p = worker_.pool().alloc();
    if (!p) return Status(Errc::io_error, "packet-out: no free packet buffer");
    if (!p->resize(static_cast<std::uint32_t>(frame.size()))) {
        release(p);
        return Status(Errc::invalid_argument, "packet-out: frame too large");
    }
    std::memcpy(p->data(), frame.data(), frame.size());
    flow::FlowKey key;
    flow::extract_key(*p, ensure_parsed(*p), in ? in->ofport : in_port, key);
    const flow::Program prog = packet_out_program(*br, actions, key);
    worker_.now_ns = options_.clock();
    if (in) {
        NormalBurstCache cache;
        if (pipeline_.run_program(worker_, *in, p, prog, cache)) release(p);
    } else {
        // From the controller itself: outputs to ports, FLOOD and ALL (every port).
        std::vector<SwitchPort*> targets;
        for (std::size_t i = 0; i < prog.count; ++i) {
            const flow::Op& op = prog.ops[i];
            if (op.type == flow::OpType::output) {
                if (SwitchPort* sp = br->port_by_ofport(op.port); sp && sp->up) targets.push_back(sp);
            } else if (op.type == flow::OpType::flood || op.type == flow::OpType::all) {
                for (SwitchPort* sp : br->ports) {
                    if (sp->up) targets.push_back(sp);
                }
            }
        }
        for (std::size_t i = 0; i + 1 < targets.size(); ++i) {
            if (Packet* c = clone_packet(worker_, *p)) send_to_port(worker_, *targets[i], c);
        }
        if (targets.empty()) {
            release(p);
        } else {
            send_to_port(worker_, *targets.back(), p);
        }
    }
    if (flush_dirty()) reap_vanished_ports();
    return Status::ok();
}

}  // namespace sy::datapath
