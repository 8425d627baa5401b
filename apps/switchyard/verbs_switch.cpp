// The switch verbs, in the spirit of ovs-vsctl: add-br, del-br, show, stats, fdb here;
// daemon in verbs_daemon.cpp, add-port and del-port in verbs_port.cpp. Every verb but
// `daemon` is one JSON-RPC call to the running daemon.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "control/render.hpp"
#include "switch_client.hpp"
#include "verbs.hpp"

namespace sy::app {

using nlohmann::json;

namespace {

void add_bridge_verbs(CLI::App& app) {
    auto bridge = std::make_shared<std::string>();
    auto as_json = std::make_shared<bool>(false);
    auto* add = app.add_subcommand("add-br", "add a bridge");
    add->add_option("BRIDGE", *bridge, "bridge name")->required();
    add->add_flag("--json", *as_json, "print the daemon's JSON answer");
    add->callback([bridge, as_json] {
        if (auto r = call_daemon("bridge.add", {{"bridge", *bridge}}))
            print_result(*as_json, *r, fmt::format("bridge {} added", *bridge));
    });
    auto* del = app.add_subcommand("del-br", "delete a bridge and its ports");
    del->add_option("BRIDGE", *bridge, "bridge name")->required();
    del->callback([bridge] {
        if (call_daemon("bridge.del", {{"bridge", *bridge}}))
            fmt::print("bridge {} deleted\n", *bridge);
    });
}

void add_status_verbs(CLI::App& app) {
    auto as_json = std::make_shared<bool>(false);
    auto* show = app.add_subcommand("show", "bridges, ports, attached containers");
    show->add_flag("--json", *as_json, "print the daemon's JSON answer");
    show->callback([as_json] {
        if (auto r = call_daemon("show"))
            fmt::print("{}", *as_json ? r->dump(2) + "\n" : control::render_show(*r));
    });
    auto* stats =
        app.add_subcommand("stats", "per-port counters (checksum and GSO decisions, drops)");
    stats->add_flag("--json", *as_json, "print the daemon's JSON answer");
    stats->callback([as_json] {
        if (auto r = call_daemon("stats"))
            fmt::print("{}", *as_json ? r->dump(2) + "\n" : control::render_stats(*r));
    });
    auto bridge = std::make_shared<std::string>();
    auto* fdb = app.add_subcommand("fdb", "MAC addresses learned on a bridge");
    fdb->add_option("BRIDGE", *bridge, "bridge name")->required();
    fdb->add_flag("--json", *as_json, "print the daemon's JSON answer");
    fdb->callback([bridge, as_json] {
        if (auto r = call_daemon("fdb", {{"bridge", *bridge}})) {
            fmt::print("{}", *as_json ? r->dump(2) + "\n" : control::render_fdb(*r));
        }
    });
}

}  // namespace

void add_switch_verbs(CLI::App& app) {
    add_daemon_verb(app);
    add_bridge_verbs(app);
    add_port_verbs(app);
    add_status_verbs(app);
}

}  // namespace sy::app
