// The switch verbs, in the spirit of ovs-vsctl: daemon, add-br, del-br, add-port, del-port,
// show, stats, fdb. Every verb but `daemon` is one JSON-RPC call to the running daemon.
#include <fmt/core.h>

#include <cstdlib>
#include <memory>
#include <optional>

#include "control/daemon.hpp"
#include "control/params.hpp"
#include "control/port_types.hpp"
#include "control/render.hpp"
#include "daemon_addons.hpp"
#include "daemon_dpdk.hpp"
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
    cmd->add_flag("--kernel-fastpath,!--no-kernel-fastpath", settings->kernel_fastpath,
                  "forward known unicast between kernel ports (veth, NICs) inside the kernel "
                  "with eBPF, whole and with checksum metadata intact; userspace still learns, "
                  "floods and captures. On by default where the kernel allows it; "
                  "--no-kernel-fastpath sends everything through the userspace datapath "
                  "(docs/performance.md)");
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
    auto dpdk = std::make_shared<DpdkArgs>();
    add_dpdk_options(*cmd, *dpdk);
    cmd->callback([options, settings, rx, addons, dpdk] {
        options->dir = context().dir;  // before the addons, which place sockets there
        if (!make_daemon_addons(*addons, *options)) {
            exit_code() = 2;
            return;
        }
        if (!start_dpdk(*dpdk, *settings)) {
            exit_code() = 2;
            return;
        }
        // IsMember has checked the spelling.
        settings->af_packet_rx =
            port::parse_af_packet_rx_mode(*rx).value_or(port::AfPacketRxMode::recvmmsg);
        options->dir = context().dir;
        exit_code() = control::run_daemon(
            *options, [settings] { return datapath::Switch::create(*settings); });
        stop_dpdk(*dpdk);
    });
}

// With --json, a verb prints the daemon's answer (one JSON object) instead of its sentence.
void print_result(bool as_json, const json& answer, const std::string& sentence) {
    fmt::print("{}\n", as_json ? answer.dump(2) : sentence);
}

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

struct AddPortArgs {
    std::string bridge, iface, offload = "vnet", type, trunk;
    std::string devargs, socket;  // DPDK ports (docs/dpdk.md)
    bool client = false;
    int rxq = 0, txq = 0;
    int vlan = 0;
    double corrupt = 0;
    bool unsafe_mark_verified = false;
    // Tunnel ports (docs/tunnels.md).
    std::string local, key, tos;
    std::vector<std::string> remotes;
    int dst_port = 0, ttl = 0;
    bool csum = false, df = false;
    bool json = false;
};

// The tunnel options of `add-port --type vxlan|geneve` as port.add's "tunnel" object; an
// error sentence when they are given without a tunnel type or are malformed.
std::optional<json> tunnel_params(const AddPortArgs& a, std::string& error) {
    const bool tunnel = a.type == "vxlan" || a.type == "geneve";
    if (!tunnel) {
        if (!a.remotes.empty() || !a.local.empty() || !a.key.empty() || !a.tos.empty() ||
            a.dst_port != 0 || a.ttl != 0 || a.csum || a.df)
            error =
                "--remote, --local, --key, --dst-port, --csum, --ttl, --tos and --df are "
                "options of tunnel ports (--type vxlan|geneve)";
        return std::nullopt;
    }
    json t = json::object();
    if (a.remotes.size() == 1 && a.remotes[0] == "flow")
        t["remote"] = "flow";
    else
        t["remote"] = a.remotes;
    if (!a.local.empty()) t["local"] = a.local;
    if (a.key == "flow") {
        t["key"] = "flow";
    } else if (!a.key.empty()) {
        char* end = nullptr;
        const unsigned long long v = std::strtoull(a.key.c_str(), &end, 0);
        if (end == a.key.c_str() || *end != 0 || v > 0xFFFFFF) {
            error = fmt::format("--key {} is not a VNI (0..16777215) or 'flow'", a.key);
            return std::nullopt;
        }
        t["key"] = v;
    }
    if (a.dst_port != 0) t["dst_port"] = a.dst_port;
    if (a.csum) t["csum"] = true;
    if (a.ttl != 0) t["ttl"] = a.ttl;
    if (a.tos == "inherit") {
        t["tos"] = "inherit";
    } else if (!a.tos.empty()) {
        char* end = nullptr;
        const unsigned long v = std::strtoul(a.tos.c_str(), &end, 0);
        if (end == a.tos.c_str() || *end != 0 || v > 255) {
            error = fmt::format("--tos {} is not in 0..255 or 'inherit'", a.tos);
            return std::nullopt;
        }
        t["tos"] = v;
    }
    if (a.df) t["df"] = true;
    return t;
}

std::vector<std::string> port_type_choices() {
    std::vector<std::string> names;
    for (const auto& t : control::port_types())
        if (t.kind != datapath::PortKind::memory) names.emplace_back(t.name);
    return names;
}

void add_port_verbs(CLI::App& app) {
    auto a = std::make_shared<AddPortArgs>();
    auto* add = app.add_subcommand(
        "add-port",
        "add a kernel interface, a TAP device or a VXLAN/Geneve tunnel port to a bridge");
    add->add_option("BRIDGE", a->bridge, "bridge name")->required();
    add->add_option("IFACE", a->iface,
                    "interface in the host namespace (tap, tunnel, DPDK: the port's name)")
        ->required();
    add->add_option("--type", a->type,
                    "system (default: an existing interface), tap (a TAP device, created if "
                    "missing, with the vnet header), vxlan or geneve (a tunnel port over a UDP "
                    "socket of the host's stack, docs/tunnels.md), dpdk (--devargs) or "
                    "dpdkvhostuser (--socket); the DPDK types need `daemon --dpdk`")
        ->check(CLI::IsMember(port_type_choices()));
    add->add_option("--remote", a->remotes,
                    "tunnel: far end (IPv4 or IPv6; repeat for several), or 'flow' (flows "
                    "choose with set_field:IP->tun_dst)");
    add->add_option("--local", a->local, "tunnel: local address to bind (default: any)");
    add->add_option("--key", a->key,
                    "tunnel: VNI sent and accepted (default 0), or 'flow' (tun_id chooses)");
    add->add_option("--dst-port", a->dst_port, "tunnel: UDP port (default 4789 / 6081)")
        ->check(CLI::Range(1, 65535));
    add->add_flag("--csum", a->csum, "tunnel: outer UDP checksum (default: zero)");
    add->add_option("--ttl", a->ttl, "tunnel: outer TTL / hop limit")->check(CLI::Range(1, 255));
    add->add_option("--tos", a->tos, "tunnel: outer TOS (0..255) or 'inherit' (from the inner)");
    add->add_flag("--df", a->df, "tunnel: set DF on the outer IPv4 header");
    add->add_option("--devargs", a->devargs,
                    "DPDK device: a PCI address or a vdev (net_tap0,iface=NAME; "
                    "net_af_packet0,iface=VETH; net_null0; ...)");
    add->add_option("--socket", a->socket, "vhost-user socket path (absolute)");
    add->add_flag("--client", a->client,
                  "vhost-user: connect to the socket instead of creating it");
    add->add_option("--rxq", a->rxq, "DPDK receive queues (default 1)")->check(CLI::Range(1, 64));
    add->add_option("--txq", a->txq, "DPDK transmit queues (default 1)")->check(CLI::Range(1, 64));
    auto* vlan =
        add->add_option("--vlan", a->vlan, "access port of this VLAN")->check(CLI::Range(1, 4094));
    // Taken as text and checked by the control layer's rules (no empty item, none twice).
    auto* trunk = add->add_option("--trunk", a->trunk, "trunk port carrying these VLANs (N,M,...)")
                      ->check([](const std::string& text) {
                          auto vlans = control::parse_vlan_list(text);
                          return vlans ? std::string() : vlans.status().message();
                      });
    vlan->excludes(trunk);
    add->add_option(
           "--offload", a->offload,
           "vnet (default: offload metadata via vnet headers) or legacy (none: the old bug)")
        ->check(CLI::IsMember({"vnet", "legacy"}));
    add->add_option("--corrupt", a->corrupt,
                    "LAB: flip a payload bit in this fraction of the packets the port receives "
                    "(not GSO super-frames)")
        ->check(CLI::Range(0.0, 1.0));
    add->add_flag(
        "--unsafe-mark-verified", a->unsafe_mark_verified,
        "LAB, UNSAFE: mark every packet sent here checksum-verified (the pre-3.14 veth bug)");
    add->add_flag("--json", a->json, "print the daemon's JSON answer");
    add->callback([a] {
        json params{{"bridge", a->bridge}, {"port", a->iface}, {"offload", a->offload}};
        if (!a->type.empty()) params["type"] = a->type;
        if (a->vlan != 0) params["vlan"] = a->vlan;
        if (!a->trunk.empty()) params["trunk"] = *control::parse_vlan_list(a->trunk);  // checked
        if (a->corrupt > 0) params["corrupt"] = a->corrupt;
        if (a->unsafe_mark_verified) params["unsafe_mark_verified"] = true;
        if (!a->devargs.empty()) params["devargs"] = a->devargs;
        if (!a->socket.empty()) params["socket"] = a->socket;
        if (a->client) params["client"] = true;
        if (a->rxq != 0) params["rxq"] = a->rxq;
        if (a->txq != 0) params["txq"] = a->txq;
        std::string error;
        auto tunnel = tunnel_params(*a, error);
        if (!error.empty()) {
            fmt::print(stderr, "switchyard: {}\n", error);
            exit_code() = 2;
            return;
        }
        if (tunnel) params["tunnel"] = *tunnel;
        if (auto r = call_daemon("port.add", params))
            print_result(a->json, *r, fmt::format("port {} added to {}", a->iface, a->bridge));
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
