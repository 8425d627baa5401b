// SwitchService's flows: ovs-ofctl text in, the switch's flow tables changed all or nothing,
// the result persisted; dump-flows and trace out.
#include <fmt/core.h>

#include "base/bytes.hpp"
#include "capture/capture_reader.hpp"
#include "control/log.hpp"
#include "control/port_names.hpp"
#include "control/switch_service.hpp"
#include "flow/flow_format.hpp"
#include "flow/flow_syntax.hpp"
#include "flow/packet_synth.hpp"
#include "flow/syntax_ports.hpp"
#include "net/checksum.hpp"

namespace sy::control {

using nlohmann::json;

namespace {

BridgePortNames names_of(datapath::Switch& sw, const std::string& bridge) {
    for (const auto& b : sw.bridges()) {
        if (b.name == bridge) return BridgePortNames(b);
    }
    return {};
}

// The add-flow form of an installed flow (what persistence stores).
flow::FlowMod as_add(const flow::FlowStats& f) {
    flow::FlowMod m;
    m.command = flow::FlowModCommand::add;
    m.table = f.table;
    m.match = f.match;
    m.priority = f.priority;
    m.cookie = f.cookie;
    m.idle_timeout = f.idle_timeout;
    m.hard_timeout = f.hard_timeout;
    m.flags = f.flags;
    m.instructions = f.instructions;
    return m;
}

Status outcome_status(const flow::FlowModOutcome& out, std::size_t count, bool is_file) {
    if (out) return Status::ok();
    if (count > 1 && !is_file)
        return Status(out.status.code(),
                      fmt::format("flow {}: {}", out.index + 1, out.status.message()));
    return out.status;
}

}  // namespace

std::uint32_t SwitchService::ofport_of(const std::string& bridge, const std::string& port) {
    for (const auto& b : switch_.bridges()) {
        if (b.name != bridge) continue;
        for (const auto& p : b.ports) {
            if (p.config.name == port) return p.config.ofport;
        }
    }
    return 0;
}

Status SwitchService::persist_flows(const std::string& bridge) {
    auto flows = switch_.dump_flows(bridge, flow::FlowFilter{});
    if (!flows) return flows.status();
    Config next = config_;
    BridgeRecord* rec = next.find_bridge(bridge);
    if (!rec) return Status::ok();
    if (flow::only_the_default_flow(*flows)) {
        rec->flows.reset();
    } else {
        rec->flows.emplace();
        const flow::NoPortNames numbers;  // stable across renames: ports by OpenFlow number
        for (const auto& f : *flows)
            rec->flows->push_back(flow::format_flow_mod(as_add(f), numbers));
    }
    return persist(std::move(next));
}

Result<json> SwitchService::change_flows(const std::string& bridge,
                                         const std::vector<flow::FlowMod>& mods, bool replace) {
    const flow::FlowModOutcome out =
        replace ? switch_.replace_flows(bridge, mods) : switch_.apply_flows(bridge, mods);
    if (!out) return outcome_status(out, mods.size(), false);
    if (Status s = persist_flows(bridge); !s) {
        // The tables changed but the change could not be saved: say so (the switch keeps
        // forwarding with the new flows; a restart would bring the old ones back).
        return Status(s.code(), fmt::format("flows changed but not saved: {}", s.message()));
    }
    return json{{"bridge", bridge},
                {"added", out.added},
                {"modified", out.modified},
                {"removed", out.removed.size()}};
}

Result<json> SwitchService::add_flows(const std::string& bridge, const std::string& text,
                                      bool is_file) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(bridge); !s) return s;
    const BridgePortNames names = names_of(switch_, bridge);
    std::vector<flow::FlowMod> mods;
    if (is_file) {
        auto parsed = flow::parse_flow_file(text, flow::FlowFileMode::add_flows, names);
        if (!parsed) return parsed.status();
        mods = std::move(*parsed);
    } else {
        auto parsed = flow::parse_flow(text, flow::FlowParseMode::add, names);
        if (!parsed) return parsed.status();
        mods.push_back(std::move(*parsed));
    }
    auto r = change_flows(bridge, mods, false);
    if (r) log_info("{}: {} flow change(s) applied", bridge, mods.size());
    return r;
}

Result<json> SwitchService::mod_flows(const std::string& bridge, const std::string& text,
                                      bool strict) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(bridge); !s) return s;
    const BridgePortNames names = names_of(switch_, bridge);
    auto parsed = flow::parse_flow(
        text, strict ? flow::FlowParseMode::modify_strict : flow::FlowParseMode::modify, names);
    if (!parsed) return parsed.status();
    return change_flows(bridge, {*parsed}, false);
}

Result<json> SwitchService::del_flows(const std::string& bridge, const std::string& text,
                                      bool strict) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(bridge); !s) return s;
    const BridgePortNames names = names_of(switch_, bridge);
    auto parsed = flow::parse_flow(
        text, strict ? flow::FlowParseMode::del_strict : flow::FlowParseMode::del, names);
    if (!parsed) return parsed.status();
    return change_flows(bridge, {*parsed}, false);
}

Result<json> SwitchService::replace_flows(const std::string& bridge, const std::string& contents) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(bridge); !s) return s;
    const BridgePortNames names = names_of(switch_, bridge);
    auto parsed = flow::parse_flow_file(contents, flow::FlowFileMode::replace_flows, names);
    if (!parsed) return parsed.status();
    return change_flows(bridge, *parsed, true);
}

Result<json> SwitchService::dump_flows(const std::string& bridge, const std::string& text,
                                       bool strict, bool show_stats) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(bridge); !s) return s;
    const BridgePortNames names = names_of(switch_, bridge);
    flow::FlowFilter filter;
    if (!text.empty()) {
        auto parsed = flow::parse_flow(
            text, strict ? flow::FlowParseMode::del_strict : flow::FlowParseMode::dump, names);
        if (!parsed) return parsed.status();
        filter = flow::FlowFilter::of(*parsed);
    }
    auto flows = switch_.dump_flows(bridge, filter);
    if (!flows) return flows.status();
    json lines = json::array(), objects = json::array();
    for (const auto& f : *flows) {
        lines.push_back(flow::format_flow_stats(f, names, show_stats));
        objects.push_back(flow::flow_stats_json(f, names));
    }
    return json{{"bridge", bridge}, {"lines", std::move(lines)}, {"flows", std::move(objects)}};
}

namespace {

json step_json(const datapath::TraceStep& s) {
    static const char* kinds[] = {"lookup", "action", "note", "output", "drop"};
    json j{{"kind", kinds[static_cast<int>(s.kind)]}, {"depth", s.depth}};
    switch (s.kind) {
        case datapath::TraceStep::Kind::lookup:
            j["table"] = s.table;
            j["matched"] = s.matched;
            if (s.matched) {
                j["flow"] = s.flow;
                j["cookie"] = fmt::format("0x{:x}", s.cookie);
            }
            break;
        case datapath::TraceStep::Kind::output:
            if (!s.port.empty()) j["port"] = s.port;
            j["decision"] = s.text;
            break;
        default:
            j["text"] = s.text;
    }
    if (!s.packet.empty()) j["packet"] = s.packet;
    if (!s.offload.empty()) j["offload"] = s.offload;
    return j;
}

// The offload state --csum/--tso ask for. A partial packet gets the pseudo-header seed in its
// L4 checksum field, as a CHECKSUM_PARTIAL sender (a container's TX offload) leaves it.
Result<OffloadInfo> offload_from(const TraceParams& p, std::vector<std::uint8_t>& frame) {
    OffloadInfo o;
    const std::string csum = p.csum.value_or(p.gso_size ? "partial" : "none");
    const net::ParsedHeaders h = net::parse(frame);
    const net::HeaderLayers& l = h.outer;
    const bool tcp = l.ip_proto == net::kIpProtoTcp, udp = l.ip_proto == net::kIpProtoUdp;
    if (csum == "partial") {
        if (!h.ok() || l.l4 == net::kAbsent || !(tcp || udp)) {
            return Status(Errc::invalid_argument,
                          "--csum partial needs a TCP or UDP packet (its checksum is what is left "
                          "partial)");
        }
        o.csum = CsumState::partial;
        o.csum_start = static_cast<std::uint16_t>(l.l4);
        o.csum_offset = tcp ? 16 : 6;
        const auto l4_len = static_cast<std::uint32_t>(frame.size() - l.l4);
        const std::uint8_t* ip = frame.data() + l.l3;
        const std::uint32_t sum = l.l3_kind == net::L3Kind::ipv6
                                      ? net::ipv6_pseudo_sum(ip, l.ip_proto, l4_len)
                                      : net::ipv4_pseudo_sum(ip, l.ip_proto, l4_len);
        store_be16(frame.data() + l.l4 + o.csum_offset, net::partial_seed(sum));
    } else if (csum == "verified") {
        o.csum = CsumState::verified;
    } else if (csum != "none") {
        return Status(Errc::invalid_argument,
                      fmt::format("--csum '{}' is not none, partial or verified", csum));
    }
    if (p.gso_size) {
        if (!tcp || o.csum != CsumState::partial) {
            return Status(Errc::invalid_argument, "--tso needs a TCP packet with --csum partial");
        }
        o.gso.type = l.l3_kind == net::L3Kind::ipv6 ? GsoType::tcpv6 : GsoType::tcpv4;
        o.gso.size = p.gso_size;
        o.gso.hdr_len = static_cast<std::uint16_t>(l.payload);
    }
    return o;
}

}  // namespace

Result<json> SwitchService::trace(const std::string& bridge, const TraceParams& params) {
    std::lock_guard lock(mutex_);
    if (Status s = check_bridge(bridge); !s) return s;
    const BridgePortNames names = names_of(switch_, bridge);
    datapath::TraceRequest req;
    if (params.flow.has_value() == params.pcap.has_value()) {
        return Status(Errc::invalid_argument, "trace takes a flow or --pcap FILE (one of them)");
    }
    bool have_offload = false;
    if (params.flow) {
        auto key = flow::parse_trace_flow(*params.flow, names);
        if (!key) return key.status();
        auto frame = flow::synthesize_packet(*key);
        if (!frame) return frame.status();
        req.frame = std::move(*frame);
        req.in_port = key->in_port;
    } else {
        auto reader = capture::CaptureReader::open(*params.pcap);
        if (!reader) return reader.status();
        capture::CapturedPacket pkt;
        for (std::uint64_t i = 0;; ++i) {
            const capture::ReadOutcome r = reader->next(pkt);
            if (r != capture::ReadOutcome::packet) {
                return Status(Errc::invalid_argument,
                              r == capture::ReadOutcome::end
                                  ? fmt::format("{}: no packet {} (the file has {})", *params.pcap,
                                                params.packet_index + 1, i)
                                  : reader->message());
            }
            if (i == params.packet_index) break;
        }
        if (pkt.parse_offset != 0 || pkt.parse_link != net::LinkType::ethernet) {
            return Status(Errc::invalid_argument,
                          fmt::format("{}: packet {} is not an Ethernet frame (a cooked capture?)",
                                      *params.pcap, params.packet_index + 1));
        }
        req.frame.assign(pkt.bytes.begin(), pkt.bytes.end());
        if (pkt.has_meta && pkt.meta.has_offload && !params.csum && !params.gso_size) {
            req.offload = pkt.meta.offload;
            have_offload = true;
        }
    }
    if (params.in_port) {
        auto port = flow::parse_port(*params.in_port, names);
        if (!port) {
            return Status(Errc::invalid_argument, fmt::format("in_port \"{}\": {}", *params.in_port,
                                                              port.status().message()));
        }
        req.in_port = *port;
    }
    if (req.in_port == 0) {
        return Status(Errc::invalid_argument,
                      "say which port the packet arrives on (in_port=PORT in the flow, or "
                      "--in-port PORT)");
    }
    if (!have_offload) {
        auto o = offload_from(params, req.frame);
        if (!o) return o.status();
        req.offload = *o;
    }
    auto report = switch_.trace(bridge, req);
    if (!report) return report.status();
    json steps = json::array();
    for (const auto& s : report->steps) steps.push_back(step_json(s));
    return json{{"bridge", bridge},          {"in_port", flow::format_port(req.in_port, names)},
                {"packet", report->packet},  {"offload", report->offload},
                {"steps", std::move(steps)}, {"megaflow", report->megaflow}};
}

}  // namespace sy::control
