// The switch verbs, in the spirit of ovs-vsctl: daemon, add-br, del-br, add-port, del-port,
// show, stats, fdb. Every verb but `daemon` is one JSON-RPC call to the running daemon.
#include <fmt/core.h>

#include <memory>

#include "control/daemon.hpp"
#include "control/render.hpp"
#include "daemon_addons.hpp"
#include "datapath/switch.hpp"
#include "switch_client.hpp"
#include "verbs.hpp"

namespace sy::app {

using nlohmann::json;

namespace {

void add_daemon_verb(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "daemon", "run the switch in the foreground (logs to stderr; SIGTERM/SIGINT stop it)");
    auto options = std::make_shared<control::DaemonOptions>();
    auto settings = std::make_shared<datapath::SwitchSettings>();
    cmd->add_flag("--move-corrupt-state", options->move_corrupt_state_aside,
                  "if the state file is corrupt, rename it aside (kept) and start empty");
    cmd->add_flag("--kernel-fastpath", settings->kernel_fastpath,
                  "forward known unicast between kernel ports (veth, NICs) inside the kernel "
                  "with eBPF, whole and with checksum metadata intact; userspace still learns, "
                  "floods and captures (docs/performance.md)");
    cmd->add_option("--busy-poll-us", settings->busy_poll_us,
                    "keep polling this many microseconds after the last packet before sleeping "
                    "(latency against CPU)")
        ->check(CLI::Range(1u, 1'000'000u));
    cmd->add_option("--busy-poll-max-us", settings->busy_poll_max_us,
                    "adaptive polling: traffic that pauses for less than this is polled through "
                    "instead of sleeping (default 25000)")
        ->check(CLI::Range(1u, 1'000'000u));
    auto rx = std::make_shared<std::string>("recvmmsg");
    cmd->add_option("--af-packet-rx", *rx,
                    "how kernel-interface ports receive: recvmmsg (default), ring-v2 (TPACKET_V2 "
                    "ring: no system call per frame) or ring-v3 (TPACKET_V3 ring: up to 1 ms "
                    "added latency under light load)")
        ->check(CLI::IsMember({"recvmmsg", "ring-v2", "ring-v3"}));
    auto addons = std::make_shared<DaemonAddonArgs>();
    add_daemon_addon_options(*cmd, *addons);
    cmd->callback([options, settings, rx, addons] {
        options->dir = context().dir;  // before the addons, which place sockets there
        if (!make_daemon_addons(*addons, *options)) {
            exit_code() = 2;
            return;
        }
        // IsMember has checked the spelling.
        settings->af_packet_rx =
            port::parse_af_packet_rx_mode(*rx).value_or(port::AfPacketRxMode::recvmmsg);
        options->dir = context().dir;
        exit_code() = control::run_daemon(
            *options, [settings] { return datapath::Switch::create(*settings); });
    });
}

void add_bridge_verbs(CLI::App& app) {
    auto bridge = std::make_shared<std::string>();
    auto* add = app.add_subcommand("add-br", "add a bridge");
    add->add_option("BRIDGE", *bridge, "bridge name")->required();
    add->callback([bridge] {
        if (call_daemon("bridge.add", {{"bridge", *bridge}}))
            fmt::print("bridge {} added\n", *bridge);
    });
    auto* del = app.add_subcommand("del-br", "delete a bridge and its ports");
    del->add_option("BRIDGE", *bridge, "bridge name")->required();
    del->callback([bridge] {
        if (call_daemon("bridge.del", {{"bridge", *bridge}}))
            fmt::print("bridge {} deleted\n", *bridge);
    });
}

struct AddPortArgs {
    std::string bridge, iface, offload = "vnet";
    int vlan = 0;
    std::vector<int> trunk;
    double corrupt = 0;
    bool unsafe_mark_verified = false;
};

void add_port_verbs(CLI::App& app) {
    auto a = std::make_shared<AddPortArgs>();
    auto* add = app.add_subcommand("add-port", "add a kernel interface to a bridge");
    add->add_option("BRIDGE", a->bridge, "bridge name")->required();
    add->add_option("IFACE", a->iface, "interface in the host namespace")->required();
    auto* vlan =
        add->add_option("--vlan", a->vlan, "access port of this VLAN")->check(CLI::Range(1, 4094));
    auto* trunk = add->add_option("--trunk", a->trunk, "trunk port carrying these VLANs (N,M,...)")
                      ->delimiter(',')
                      ->check(CLI::Range(1, 4094));
    vlan->excludes(trunk);
    add->add_option(
           "--offload", a->offload,
           "vnet (default: offload metadata via vnet headers) or legacy (none: the old bug)")
        ->check(CLI::IsMember({"vnet", "legacy"}));
    add->add_option("--corrupt", a->corrupt, "LAB: corrupt this fraction of forwarded payloads")
        ->check(CLI::Range(0.0, 1.0));
    add->add_flag(
        "--unsafe-mark-verified", a->unsafe_mark_verified,
        "LAB, UNSAFE: mark every packet sent here checksum-verified (the pre-3.14 veth bug)");
    add->callback([a] {
        json params{{"bridge", a->bridge}, {"port", a->iface}, {"offload", a->offload}};
        if (a->vlan != 0) params["vlan"] = a->vlan;
        if (!a->trunk.empty()) params["trunk"] = a->trunk;
        if (a->corrupt > 0) params["corrupt"] = a->corrupt;
        if (a->unsafe_mark_verified) params["unsafe_mark_verified"] = true;
        if (call_daemon("port.add", params))
            fmt::print("port {} added to {}\n", a->iface, a->bridge);
    });

    auto* del = app.add_subcommand("del-port", "remove a port from a bridge");
    del->add_option("BRIDGE", a->bridge, "bridge name")->required();
    del->add_option("PORT", a->iface, "port name")->required();
    del->callback([a] {
        if (call_daemon("port.del", {{"bridge", a->bridge}, {"port", a->iface}})) {
            fmt::print("port {} deleted from {}\n", a->iface, a->bridge);
        }
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
