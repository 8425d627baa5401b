// The flow verbs, as ovs-ofctl spells them: add-flow, add-flows, mod-flows, del-flows,
// dump-flows, replace-flows, and trace (like ovs-appctl ofproto/trace). Flow text goes to the
// daemon, which parses it with the bridge's port names and answers errors in one line.
#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>

#include "control/render.hpp"
#include "switch_client.hpp"
#include "verbs.hpp"

namespace sy::app {

using nlohmann::json;

namespace {

struct FlowArgs {
    std::string bridge, text, file;
    bool strict = false, json_out = false, no_stats = false;
};

// The contents of FILE, or of stdin for "-"; nullopt (after one line, exit 2) if unreadable.
std::optional<std::string> read_flow_file(const std::string& verb, const std::string& path) {
    if (path == "-") {
        return std::string(std::istreambuf_iterator<char>(std::cin), {});
    }
    std::ifstream in(path);
    if (!in) {
        fmt::print(stderr, "switchyard: {}: cannot read {}: {}\n", verb, path,
                   std::strerror(errno));
        exit_code() = 2;
        return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void print_change(const json& r) {
    (void)r;  // quiet on success, as ovs-ofctl
}

}  // namespace

void add_flow_verbs(CLI::App& app) {
    auto a = std::make_shared<FlowArgs>();

    auto* add = app.add_subcommand("add-flow", "add a flow (ovs-ofctl syntax: docs/flows.md)");
    add->add_option("BRIDGE", a->bridge, "bridge name")->required();
    add->add_option("FLOW", a->text, "e.g. \"priority=100,tcp,nw_dst=10.0.0.1,actions=output:2\"")
        ->required();
    add->callback([a] {
        if (auto r = call_daemon("flow.add", {{"bridge", a->bridge}, {"flow", a->text}}))
            print_change(*r);
    });

    auto* adds = app.add_subcommand("add-flows",
                                    "apply a file of flows, one per line (- for stdin), all or "
                                    "nothing");
    adds->add_option("BRIDGE", a->bridge, "bridge name")->required();
    adds->add_option("FILE", a->file, "flow file, or - for stdin")->required();
    adds->callback([a] {
        auto contents = read_flow_file("add-flows", a->file);
        if (!contents) return;
        if (auto r = call_daemon("flow.add_file", {{"bridge", a->bridge}, {"contents", *contents}}))
            print_change(*r);
    });

    auto* mod = app.add_subcommand("mod-flows", "change the actions of the flows a match selects");
    mod->add_option("BRIDGE", a->bridge, "bridge name")->required();
    mod->add_option("FLOW", a->text, "match and actions=...")->required();
    mod->add_flag("--strict", a->strict, "only the flow with exactly this match and priority");
    mod->callback([a] {
        if (auto r = call_daemon("flow.mod",
                                 {{"bridge", a->bridge}, {"flow", a->text}, {"strict", a->strict}}))
            print_change(*r);
    });

    auto* del =
        app.add_subcommand("del-flows", "delete the flows a match selects (all without one)");
    del->add_option("BRIDGE", a->bridge, "bridge name")->required();
    del->add_option("MATCH", a->text, "match (table=, cookie=V/M, out_port= too)");
    del->add_flag("--strict", a->strict, "only the flow with exactly this match and priority");
    del->callback([a] {
        if (auto r = call_daemon(
                "flow.del", {{"bridge", a->bridge}, {"match", a->text}, {"strict", a->strict}}))
            print_change(*r);
    });

    auto* rep =
        app.add_subcommand("replace-flows",
                           "make the bridge's flows exactly those in FILE, atomically (counters of "
                           "unchanged flows are kept)");
    rep->add_option("BRIDGE", a->bridge, "bridge name")->required();
    rep->add_option("FILE", a->file, "flow file, or - for stdin")->required();
    rep->callback([a] {
        auto contents = read_flow_file("replace-flows", a->file);
        if (!contents) return;
        if (auto r = call_daemon("flow.replace", {{"bridge", a->bridge}, {"contents", *contents}}))
            print_change(*r);
    });

    auto* dump = app.add_subcommand("dump-flows", "the bridge's flows with their counters");
    dump->add_option("BRIDGE", a->bridge, "bridge name")->required();
    dump->add_option("MATCH", a->text, "only the flows a del-flows with this match would delete");
    dump->add_flag("--strict", a->strict, "only the flow with exactly this match and priority");
    dump->add_flag("--no-stats", a->no_stats, "without duration and counters");
    dump->add_flag("--json", a->json_out, "print the daemon's JSON answer");
    dump->callback([a] {
        json params{{"bridge", a->bridge}, {"strict", a->strict}, {"stats", !a->no_stats}};
        if (!a->text.empty()) params["match"] = a->text;
        if (auto r = call_daemon("flow.dump", params)) {
            fmt::print("{}",
                       a->json_out ? (*r)["flows"].dump(2) + "\n" : control::render_dump_flows(*r));
        }
    });

    struct TraceArgs {
        std::string bridge, flow, pcap, in_port, csum;
        int packet = 0, tso = 0;
        bool json_out = false;
    };
    auto t = std::make_shared<TraceArgs>();
    auto* trace = app.add_subcommand(
        "trace",
        "what a bridge would do with a packet: tables, flows, actions, the packet and "
        "its checksum state after each, and the egress decision per port");
    trace->add_option("BRIDGE", t->bridge, "bridge name")->required();
    trace->add_option("FLOW", t->flow,
                      "the packet, as a flow: \"in_port=web0,tcp,nw_src=10.0.0.1,nw_dst=10.0.0.2,"
                      "tp_dst=80\"");
    auto* pcap =
        trace->add_option("--pcap", t->pcap, "trace a captured frame instead (pcap/pcapng)");
    trace->add_option("--packet", t->packet, "which packet of the capture (default 1)")
        ->check(CLI::Range(1, 1'000'000'000))
        ->needs(pcap);
    trace->add_option("--in-port", t->in_port, "the port it arrives on (name or number)");
    trace
        ->add_option("--csum", t->csum,
                     "its checksum metadata on arrival: none (default), partial (TX offload "
                     "left it to finish) or verified")
        ->check(CLI::IsMember({"none", "partial", "verified"}));
    trace->add_option("--tso", t->tso, "make it a TSO super-frame with this MSS")
        ->check(CLI::Range(1, 65535));
    trace->add_flag("--json", t->json_out, "print the daemon's JSON answer");
    trace->callback([t] {
        json params{{"bridge", t->bridge}};
        if (!t->flow.empty()) params["flow"] = t->flow;
        if (!t->pcap.empty()) params["pcap"] = t->pcap;
        if (t->packet) params["packet"] = t->packet;
        if (!t->in_port.empty()) params["in_port"] = t->in_port;
        if (!t->csum.empty()) params["csum"] = t->csum;
        if (t->tso) params["gso_size"] = t->tso;
        if (auto r = call_daemon("trace", params))
            fmt::print("{}", t->json_out ? r->dump(2) + "\n" : control::render_trace(*r));
    });
}

}  // namespace sy::app
