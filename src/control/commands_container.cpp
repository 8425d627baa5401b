// container.attach, container.detach
#include <fmt/core.h>

#include "control/commands.hpp"
#include "control/params.hpp"

namespace sy::control {

using nlohmann::json;

namespace {

Result<AttachParams> attach_params_from(const Params& p) {
    AttachParams a;
    for (auto [field, name] :
         {std::pair{&a.bridge, "bridge"}, {&a.container, "container"}, {&a.address, "ip"}}) {
        auto value = p.required_string(name);
        if (!value) return value.status();
        *field = *value;
    }
    auto ifname = p.optional_string("ifname");
    if (!ifname) return ifname.status();
    if (*ifname) a.ifname = **ifname;
    for (auto [field, name] :
         {std::pair{&a.gateway, "gateway"}, {&a.mac, "mac"}, {&a.port_name, "port_name"}}) {
        auto value = p.optional_string(name);
        if (!value) return value.status();
        if (*value && (*value)->empty())
            return Status(Errc::invalid_argument,
                          fmt::format("parameter '{}' must not be empty (leave it out for the "
                                      "default)",
                                      name));
        *field = *value;
    }
    auto mtu = p.optional_int("mtu", 68, 65535);
    if (!mtu) return mtu.status();
    if (*mtu) a.mtu = static_cast<std::uint32_t>(**mtu);
    auto vlan = p.optional_int("vlan", 1, 4094);
    if (!vlan) return vlan.status();
    if (*vlan) a.vlan = static_cast<std::uint16_t>(**vlan);
    auto offload = p.optional_string("offload");
    if (!offload) return offload.status();
    if (*offload) {
        auto mode = parse_offload_mode(**offload);
        if (!mode) return mode.status();
        a.offload = *mode;
    }
    auto netns = p.optional_string("netns");
    if (!netns) return netns.status();
    a.netns = *netns;
    auto extra = p.optional_string_list("extra_ips");
    if (!extra) return extra.status();
    a.extra_addresses = *extra;
    auto routes = p.optional_object_list("routes");
    if (!routes) return routes.status();
    for (const auto& r : *routes) {
        Params route(r);
        auto destination = route.required_string("destination");
        if (!destination)
            return Status(Errc::invalid_argument,
                          fmt::format("routes: {}", destination.status().message()));
        auto gateway = route.optional_string("gateway");
        if (!gateway)
            return Status(Errc::invalid_argument,
                          fmt::format("routes: {}", gateway.status().message()));
        a.routes.push_back(Attachment::Route{*destination, *gateway});
    }
    auto ids = p.optional_string_map("external_ids");
    if (!ids) return ids.status();
    a.external_ids = *ids;
    return a;
}

}  // namespace

void register_container_commands(CommandRegistry& registry, SwitchService& service) {
    registry.add("container.attach",
                 "attach {container} to {bridge} with {ip} [gateway, mac, mtu, ifname, vlan, "
                 "port_name, offload, netns, extra_ips, routes, external_ids]",
                 [&service](const json& params, Session&) -> Result<json> {
                     auto a = attach_params_from(Params(params));
                     if (!a) return a.status();
                     auto port = service.attach(*a);
                     if (!port) return port.status();
                     json out{{"bridge", a->bridge},
                              {"container", a->container},
                              {"ifname", a->ifname},
                              {"port", *port}};
                     Config config = service.config();
                     if (const PortRecord* r = config.find_port(a->bridge, *port);
                         r && r->attachment) {
                         out["ip"] = r->attachment->address;
                         if (r->attachment->mac) out["mac"] = *r->attachment->mac;
                         out["netns"] = r->attachment->netns_path;
                     }
                     return out;
                 });
    registry.add("container.detach", "detach {container} [ifname] from {bridge}",
                 [&service](const json& params, Session&) -> Result<json> {
                     Params p(params);
                     auto bridge = p.required_string("bridge");
                     if (!bridge) return bridge.status();
                     auto container = p.required_string("container");
                     if (!container) return container.status();
                     auto ifname = p.optional_string("ifname");
                     if (!ifname) return ifname.status();
                     auto port = service.detach(*bridge, *container, ifname->value_or("eth0"));
                     if (!port) return port.status();
                     return json{{"bridge", *bridge}, {"container", *container}, {"port", *port}};
                 });
}

}  // namespace sy::control
