// attach / detach: connect a container to a bridge like `ovs-docker add-port`.
#include <fmt/core.h>

#include <filesystem>
#include <memory>

#include "switch_client.hpp"
#include "verbs.hpp"

namespace sy::app {

using nlohmann::json;

namespace {

struct AttachArgs {
    std::string bridge, container, ip, gateway, mac, ifname = "eth0", port_name, offload = "vnet";
    int mtu = 0;
    int vlan = 0;
    bool json = false;
};

// The daemon resolves the container; a relative namespace path means the caller's directory.
std::string container_for_daemon(const std::string& container) {
    if (container.find('/') == std::string::npos) return container;
    std::error_code ec;
    auto absolute = std::filesystem::absolute(container, ec);
    return ec ? container : absolute.string();
}

}  // namespace

void add_container_verbs(CLI::App& app) {
    auto a = std::make_shared<AttachArgs>();
    auto* attach = app.add_subcommand(
        "attach", "attach a container (netns name, netns path, PID or Docker name) to a bridge");
    attach->add_option("BRIDGE", a->bridge, "bridge name")->required();
    attach->add_option("CONTAINER", a->container, "netns name, netns path, PID or Docker container")
        ->required();
    attach->add_option("--ip", a->ip, "address with prefix inside the container (CIDR)")
        ->required();
    attach->add_option("--gateway", a->gateway,
                       "default route inside the container via this address");
    auto* mac = attach->add_option(
        "--mac", a->mac,
        "MAC address of the container's interface (default: derived from bridge, container and "
        "ifname, so a re-attach keeps it)");
    attach->add_option("--mtu", a->mtu, "MTU of both ends")->check(CLI::Range(68, 65535));
    attach->add_option("--ifname", a->ifname, "interface name inside the container (default eth0)");
    attach->add_option("--vlan", a->vlan, "access VLAN of the switch port")
        ->check(CLI::Range(1, 4094));
    attach->add_option("--port-name", a->port_name,
                       "host-side veth / port name (default: derived, sy + 10 hex digits)");
    attach->add_option("--offload", a->offload, "vnet (default) or legacy (LAB: the old bug)")
        ->check(CLI::IsMember({"vnet", "legacy"}));
    attach->add_flag("--json", a->json, "print the daemon's JSON answer (port, mac, ...)");
    attach->callback([a, mac] {
        json params{{"bridge", a->bridge},
                    {"container", container_for_daemon(a->container)},
                    {"ip", a->ip},
                    {"ifname", a->ifname}};
        if (!a->gateway.empty()) params["gateway"] = a->gateway;
        params["offload"] = a->offload;
        if (mac->count() > 0) params["mac"] = a->mac;  // given empty: the daemon says why not
        if (a->mtu != 0) params["mtu"] = a->mtu;
        if (a->vlan != 0) params["vlan"] = a->vlan;
        if (!a->port_name.empty()) params["port_name"] = a->port_name;
        if (auto r = call_daemon("container.attach", params)) {
            if (a->json)
                fmt::print("{}\n", r->dump(2));
            else
                fmt::print("attached {} to {}: port {} <-> {} {} mac {}\n", a->container, a->bridge,
                           r->value("port", std::string()), a->ifname, a->ip,
                           r->value("mac", std::string("?")));
        }
    });

    auto* detach =
        app.add_subcommand("detach", "detach a container from a bridge (removes the veth)");
    detach->add_option("BRIDGE", a->bridge, "bridge name")->required();
    detach->add_option("CONTAINER", a->container, "as given to attach")->required();
    detach->add_option("--ifname", a->ifname, "interface name inside the container (default eth0)");
    detach->add_flag("--json", a->json, "print the daemon's JSON answer");
    detach->callback([a] {
        json params{{"bridge", a->bridge},
                    {"container", container_for_daemon(a->container)},
                    {"ifname", a->ifname}};
        if (auto r = call_daemon("container.detach", params)) {
            if (a->json)
                fmt::print("{}\n", r->dump(2));
            else
                fmt::print("detached {} from {} (port {} removed)\n", a->container, a->bridge,
                           r->value("port", std::string()));
        }
    });
}

}  // namespace sy::app
