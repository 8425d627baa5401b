// What each OpenFlow message does: the protocol state machine of a connection (HELLO first,
// then requests), against the bridge's tables and ports. Anything unsupported or malformed
// gets the ERROR the specification names for it; nothing a peer sends can stop forwarding.
#include <fmt/core.h>

#include "ofagent/bridge_agent.hpp"
#include "openflow/actions.hpp"

namespace sy::ofagent {

using namespace sy::openflow;

namespace {

OfError flow_mod_error(const flow::FlowModOutcome& out) {
    using E = flow::FlowModError;
    switch (out.error) {
        case E::bad_command:
            return err::flow_bad_command;
        case E::bad_table_id:
            return err::flow_bad_table_id;
        case E::bad_goto_table:
            return err::inst_bad_table_id;
        case E::bad_match_prereq:
            return err::match_bad_prereq;
        case E::bad_out_port:
            return err::action_bad_out_port;
        case E::bad_action:
            return err::action_bad_type;
        case E::bad_argument:
            return err::action_bad_argument;
        case E::bad_set_field:
            return err::action_bad_set_argument;
        case E::match_inconsistent:
            return err::action_match_inconsistent;
        case E::overlap:
            return err::flow_overlap;
        case E::none:
            break;
    }
    return err::flow_unknown;
}

bool modifies_state(MsgType t) {
    return t == MsgType::flow_mod || t == MsgType::packet_out || t == MsgType::group_mod ||
           t == MsgType::port_mod || t == MsgType::table_mod || t == MsgType::meter_mod;
}

}  // namespace

void BridgeAgent::handle(Connection& c, const Header& h, std::span<const std::uint8_t> msg) {
    const auto body = msg.subspan(kHeaderSize);
    const auto type = static_cast<MsgType>(h.type);
    Bytes& out = c.out();
    if (!c.negotiated) {
        if (type != MsgType::hello) {
            // OF 1.3.5 6.3.1: a connection starts with HELLO; answer in the peer's version.
            encode_error(out, h.xid, err::hello_incompatible, msg);
            c.close_after_flush = true;
            return;
        }
        if (!hello_accepts_13(h, body)) {
            encode_error(out, h.xid, err::hello_incompatible, msg);
            c.close_after_flush = true;
            return;
        }
        c.negotiated = true;
        return;
    }
    if (h.version != kVersion13) {
        encode_error(out, h.xid, err::bad_version, msg);
        return;
    }
    if (c.role == Role::slave && modifies_state(type)) {
        encode_error(out, h.xid, err::is_slave, msg);
        return;
    }
    switch (type) {
        case MsgType::hello:
        case MsgType::echo_reply:
        case MsgType::error:
            return;
        case MsgType::echo_request:
            encode_simple(out, MsgType::echo_reply, h.xid, body);
            return;
        case MsgType::features_request: {
            SwitchFeatures f;
            f.datapath_id = dpid_;
            encode_features_reply(out, h.xid, f);
            return;
        }
        case MsgType::get_config_request:
            encode_config_reply(out, h.xid, c.config);
            return;
        case MsgType::set_config: {
            SwitchConfig cfg;
            if (auto e = decode_set_config(body, cfg)) {
                encode_error(out, h.xid, *e, msg);
                return;
            }
            c.config = cfg;
            return;
        }
        case MsgType::flow_mod:
            handle_flow_mod(c, h, msg);
            return;
        case MsgType::packet_out:
            handle_packet_out(c, h, msg);
            return;
        case MsgType::multipart_request:
            handle_multipart(c, h, msg);
            return;
        case MsgType::barrier_request:
            encode_simple(out, MsgType::barrier_reply, h.xid);
            return;
        case MsgType::role_request:
            handle_role(c, h, msg);
            return;
        case MsgType::get_async_request: {
            Message m(out, MsgType::get_async_reply, h.xid);
            // packet-in, port-status, flow-removed masks for master/equal, then slave.
            m.w.u32(0x7);
            m.w.u32(0x0);
            m.w.u32(0x7);
            m.w.u32(0x7);
            m.w.u32(0xf);
            m.w.u32(0x0);
            m.finish();
            return;
        }
        case MsgType::set_async:
            return;  // accepted; the defaults above stay in force (docs/openflow.md)
        case MsgType::experimenter:
            encode_error(out, h.xid, err::bad_experimenter, msg);
            return;
        default:
            encode_error(out, h.xid, err::bad_type, msg);
            return;
    }
}

void BridgeAgent::handle_flow_mod(Connection& c, const Header& h, std::span<const std::uint8_t> msg) {
    FlowModMsg fm;
    if (auto e = decode_flow_mod(msg.subspan(kHeaderSize), fm)) {
        encode_error(c.out(), h.xid, *e, msg);
        return;
    }
    const flow::FlowMod mods[] = {fm.mod};
    flow::FlowModOutcome outcome = sw_.apply_flows(name_, mods);
    if (!outcome) {
        encode_error(c.out(), h.xid, flow_mod_error(outcome), msg);
        return;
    }
    for (const flow::RemovedFlow& r : outcome.removed) {
        if (r.stats.flags & flow::kSendFlowRem) send_flow_removed(r);
    }
    // No buffers are ever handed out, so a buffer_id names none (the flow is installed).
    if (fm.buffer_id != kNoBuffer) encode_error(c.out(), h.xid, err::buffer_unknown, msg);
}

void BridgeAgent::handle_packet_out(Connection& c, const Header& h,
                                    std::span<const std::uint8_t> msg) {
    PacketOutMsg po;
    if (auto e = decode_packet_out(msg.subspan(kHeaderSize), po)) {
        encode_error(c.out(), h.xid, *e, msg);
        return;
    }
    if (po.buffer_id != kNoBuffer) {
        encode_error(c.out(), h.xid, err::buffer_unknown, msg);
        return;
    }
    const bool reserved_in = po.in_port == flow::kOfpController || po.in_port == flow::kOfpLocal ||
                             po.in_port == flow::kOfpAny;
    if (!reserved_in && (po.in_port == 0 || po.in_port > flow::kOfpMax)) {
        encode_error(c.out(), h.xid, err::bad_port, msg);
        return;
    }
    for (const flow::Action& a : po.actions) {
        if (a.type == flow::ActionType::output && a.port == flow::kOfpTable && po.actions.size() != 1) {
            encode_error(c.out(), h.xid, err::action_bad_out_port, msg);
            return;
        }
    }
    if (po.data.size() < 14) {
        encode_error(c.out(), h.xid, err::bad_packet, msg);
        return;
    }
    if (Status s = sw_.packet_out(name_, po.in_port, po.actions, po.data); !s) {
        encode_error(c.out(), h.xid, s.code() == Errc::invalid_argument ? err::bad_packet : err::bad_port,
                     msg);
    }
}

void BridgeAgent::handle_role(Connection& c, const Header& h, std::span<const std::uint8_t> msg) {
    RoleMsg r;
    if (auto e = decode_role(msg.subspan(kHeaderSize), r)) {
        encode_error(c.out(), h.xid, *e, msg);
        return;
    }
    if (r.role == Role::master || r.role == Role::slave) {
        // OF 1.3.5 6.3.6: a generation_id older than the last one seen is stale.
        if (generation_known_ &&
            static_cast<std::int64_t>(r.generation_id - generation_id_) < 0) {
            encode_error(c.out(), h.xid, OfError{ErrType::role_request_failed, 0}, msg);
            return;
        }
        generation_known_ = true;
        generation_id_ = r.generation_id;
    }
    if (r.role == Role::master) {
        for (auto& other : conns_) {
            if (other.get() != &c && other->role == Role::master) other->role = Role::slave;
        }
    }
    if (r.role != Role::nochange) c.role = r.role;
    RoleMsg reply{c.role, generation_id_};
    encode_role_reply(c.out(), h.xid, reply);
}

void BridgeAgent::handle_multipart(Connection& c, const Header& h,
                                   std::span<const std::uint8_t> msg) {
    MultipartRequest req;
    if (auto e = decode_multipart(msg.subspan(kHeaderSize), req)) {
        encode_error(c.out(), h.xid, *e, msg);
        return;
    }
    Bytes& out = c.out();
    switch (req.type) {
        case MultipartType::desc: {
            MultipartReply reply(out, req.type, h.xid);
            write_desc(reply.entry(), SwitchDesc{"Switchyard", "userspace virtual switch",
                                                 "switchyard", "None", name_});
            reply.finish();
            return;
        }
        case MultipartType::flow:
        case MultipartType::aggregate: {
            flow::FlowFilter filter;
            if (auto e = decode_flow_stats_request(req.body, filter)) {
                encode_error(out, h.xid, *e, msg);
                return;
            }
            if (req.type == MultipartType::flow) {
                auto flows = sw_.dump_flows(name_, filter);
                if (!flows) {
                    encode_error(out, h.xid, err::bad_multipart, msg);
                    return;
                }
                MultipartReply reply(out, req.type, h.xid);
                for (const flow::FlowStats& f : *flows) write_flow_stats(reply.entry(), f);
                reply.finish();
            } else {
                auto agg = sw_.aggregate_flows(name_, filter);
                if (!agg) {
                    encode_error(out, h.xid, err::bad_multipart, msg);
                    return;
                }
                MultipartReply reply(out, req.type, h.xid);
                write_aggregate(reply.entry(), *agg);
                reply.finish();
            }
            return;
        }
        case MultipartType::table: {
            auto tables = sw_.table_stats(name_);
            MultipartReply reply(out, req.type, h.xid);
            if (tables) {
                for (const flow::TableStats& t : *tables) write_table_stats(reply.entry(), t);
            }
            reply.finish();
            return;
        }
        case MultipartType::port_stats: {
            flow::OfPort port = 0;
            if (auto e = decode_port_stats_request(req.body, port)) {
                encode_error(out, h.xid, *e, msg);
                return;
            }
            const auto bridges = sw_.bridges();
            const datapath::BridgeInfo* info = nullptr;
            for (const auto& b : bridges) {
                if (b.name == name_) info = &b;
            }
            MultipartReply reply(out, req.type, h.xid);
            bool found = port == flow::kOfpAny;
            if (info) {
                for (const datapath::PortInfo& p : info->ports) {
                    if (port != flow::kOfpAny && p.config.ofport != port) continue;
                    found = true;
                    PortCounters pc;
                    pc.port_no = p.config.ofport;
                    pc.rx_packets = p.stats.rx_packets + p.stats.fastpath_rx_packets;
                    pc.tx_packets = p.stats.tx_packets + p.stats.fastpath_tx_packets;
                    pc.rx_bytes = p.stats.rx_bytes + p.stats.fastpath_rx_bytes;
                    pc.tx_bytes = p.stats.tx_bytes + p.stats.fastpath_tx_bytes;
                    for (const auto& [reason, n] : p.stats.drops) pc.rx_dropped += n;
                    write_port_stats(reply.entry(), pc);
                }
            }
            if (!found) {
                out.resize(out.size() - 16);  // the reply's header: nothing was sent yet
                encode_error(out, h.xid, err::bad_port, msg);
                return;
            }
            reply.finish();
            return;
        }
        case MultipartType::port_desc: {
            MultipartReply reply(out, req.type, h.xid);
            for (const PortDesc& p : port_descs()) write_port(reply.entry(), p);
            reply.finish();
            return;
        }
        case MultipartType::group_features: {
            MultipartReply reply(out, req.type, h.xid);
            write_group_features(reply.entry());
            reply.finish();
            return;
        }
        case MultipartType::meter_features: {
            MultipartReply reply(out, req.type, h.xid);
            write_meter_features(reply.entry());
            reply.finish();
            return;
        }
        case MultipartType::table_features: {
            // A request with a body would set the features: not supported (they are fixed).
            if (!req.body.empty()) {
                encode_error(out, h.xid, OfError{ErrType::table_features_failed, 5}, msg);  // EPERM
                return;
            }
            MultipartReply reply(out, req.type, h.xid);
            for (int t = 0; t < flow::kNumTables; ++t)
                write_table_features(reply.entry(), static_cast<std::uint8_t>(t));
            reply.finish();
            return;
        }
        case MultipartType::group:
        case MultipartType::group_desc:
        case MultipartType::meter:
        case MultipartType::meter_config:
        case MultipartType::queue: {
            // No groups, meters or queues.
            MultipartReply reply(out, req.type, h.xid);
            reply.finish();
            return;
        }
        case MultipartType::experimenter:
            encode_error(out, h.xid, err::bad_experimenter, msg);
            return;
    }
    encode_error(out, h.xid, err::bad_multipart, msg);
}

}  // namespace sy::ofagent
