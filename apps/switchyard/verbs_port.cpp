// add-port and del-port: every port type of control/port_types.hpp, with the options of
// each (VLAN, offload mode, DPDK devargs and sockets, tunnel remotes and keys).
#include <fmt/core.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/params.hpp"
#include "control/port_types.hpp"
#include "switch_client.hpp"
#include "verbs.hpp"

namespace sy::app {

using nlohmann::json;

namespace {

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

}  // namespace

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

}  // namespace sy::app
