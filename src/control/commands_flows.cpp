// flow.add, flow.add_file, flow.mod, flow.del, flow.replace, flow.dump, trace
#include "control/commands.hpp"
#include "control/params.hpp"

namespace sy::control {

using nlohmann::json;

namespace {

// {bridge, <text_key>: string} with the text optional when `text_required` is false.
struct FlowRequest {
    std::string bridge;
    std::string text;
    bool strict = false;
};

Result<FlowRequest> read(const json& params, const char* text_key, bool text_required) {
    Params p(params);
    FlowRequest r;
    auto bridge = p.required_string("bridge");
    if (!bridge) return bridge.status();
    r.bridge = *bridge;
    if (text_required) {
        auto t = p.required_string(text_key);
        if (!t) return t.status();
        r.text = *t;
    } else {
        auto t = p.optional_string(text_key);
        if (!t) return t.status();
        r.text = t->value_or("");
    }
    auto strict = p.optional_bool("strict", false);
    if (!strict) return strict.status();
    r.strict = *strict;
    return r;
}

}  // namespace

void register_flow_commands(CommandRegistry& registry, SwitchService& service) {
    registry.add("flow.add", "add one {flow} (ovs-ofctl syntax) to {bridge}",
                 [&service](const json& params, Session&) -> Result<json> {
                     auto r = read(params, "flow", true);
                     if (!r) return r.status();
                     return service.add_flows(r->bridge, r->text, false);
                 });
    registry.add("flow.add_file",
                 "apply the flows in {contents} (an add-flows file) to {bridge}, all or nothing",
                 [&service](const json& params, Session&) -> Result<json> {
                     auto r = read(params, "contents", true);
                     if (!r) return r.status();
                     return service.add_flows(r->bridge, r->text, true);
                 });
    registry.add("flow.mod", "change the actions of the flows {flow} selects [strict]",
                 [&service](const json& params, Session&) -> Result<json> {
                     auto r = read(params, "flow", true);
                     if (!r) return r.status();
                     return service.mod_flows(r->bridge, r->text, r->strict);
                 });
    registry.add("flow.del", "delete the flows {match} selects (all without one) [strict]",
                 [&service](const json& params, Session&) -> Result<json> {
                     auto r = read(params, "match", false);
                     if (!r) return r.status();
                     return service.del_flows(r->bridge, r->text, r->strict);
                 });
    registry.add("flow.replace", "make {bridge}'s flows exactly those in {contents}, atomically",
                 [&service](const json& params, Session&) -> Result<json> {
                     auto r = read(params, "contents", false);
                     if (!r) return r.status();
                     return service.replace_flows(r->bridge, r->text);
                 });
    registry.add("flow.dump", "the flows of {bridge} [match, strict, stats]",
                 [&service](const json& params, Session&) -> Result<json> {
                     auto r = read(params, "match", false);
                     if (!r) return r.status();
                     auto stats = Params(params).optional_bool("stats", true);
                     if (!stats) return stats.status();
                     return service.dump_flows(r->bridge, r->text, r->strict, *stats);
                 });
    registry.add(
        "trace",
        "what {bridge} would do with a packet: {flow} or {pcap} [packet, in_port, csum, gso_size]",
        [&service](const json& params, Session&) -> Result<json> {
            Params p(params);
            auto bridge = p.required_string("bridge");
            if (!bridge) return bridge.status();
            TraceParams t;
            auto flow = p.optional_string("flow");
            if (!flow) return flow.status();
            t.flow = *flow;
            auto pcap = p.optional_string("pcap");
            if (!pcap) return pcap.status();
            t.pcap = *pcap;
            auto index = p.optional_int("packet", 1, 1'000'000'000);
            if (!index) return index.status();
            if (*index) t.packet_index = static_cast<std::uint64_t>(**index - 1);
            auto in_port = p.optional_string("in_port");
            if (!in_port) return in_port.status();
            t.in_port = *in_port;
            auto csum = p.optional_string("csum");
            if (!csum) return csum.status();
            t.csum = *csum;
            auto gso = p.optional_int("gso_size", 1, 65535);
            if (!gso) return gso.status();
            if (*gso) t.gso_size = static_cast<std::uint16_t>(**gso);
            return service.trace(*bridge, t);
        });
}

}  // namespace sy::control
