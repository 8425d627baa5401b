// port.add, port.del
#include <fmt/core.h>

#include "control/commands.hpp"
#include "control/params.hpp"
#include "control/tunnel_json.hpp"

namespace sy::control {

using nlohmann::json;

namespace {

Result<datapath::PortConfig> port_config_from(const Params& p) {
    datapath::PortConfig config;
    auto name = p.required_string("port");
    if (!name) return name.status();
    config.name = *name;
    auto offload = p.optional_string("offload");
    if (!offload) return offload.status();
    if (*offload) {
        auto mode = parse_offload_mode(**offload);
        if (!mode) return mode.status();
        config.offload = *mode;
    }
    auto vlan = p.optional_int("vlan", 1, 4094);
    if (!vlan) return vlan.status();
    if (*vlan) config.access_vlan = static_cast<std::uint16_t>(**vlan);
    auto trunk = p.optional_int_list("trunk", 1, 4094);
    if (!trunk) return trunk.status();
    for (auto v : *trunk) config.trunk_vlans.push_back(static_cast<std::uint16_t>(v));
    if (config.access_vlan != 0 && !config.trunk_vlans.empty()) {
        return Status(Errc::invalid_argument, "'vlan' and 'trunk' exclude each other");
    }
    auto corrupt = p.optional_number("corrupt", 0.0, 1.0);
    if (!corrupt) return corrupt.status();
    config.corrupt_fraction = corrupt->value_or(0.0);
    auto mark = p.optional_bool("unsafe_mark_verified", false);
    if (!mark) return mark.status();
    config.unsafe_mark_verified = *mark;
    auto type = p.optional_string("type");
    if (!type) return type.status();
    if (*type && **type != "system") {
        if (**type == "vxlan")
            config.kind = datapath::PortKind::vxlan;
        else if (**type == "geneve")
            config.kind = datapath::PortKind::geneve;
        else
            return Status(Errc::invalid_argument,
                          fmt::format("port type '{}' is not system, vxlan or geneve", **type));
        const json* tunnel = p.raw().contains("tunnel") ? &p.raw()["tunnel"] : nullptr;
        if (tunnel == nullptr)
            return Status(Errc::invalid_argument,
                          fmt::format("a {} port needs its tunnel options (remote, key)", **type));
        auto options = tunnel_from_json(*tunnel);
        if (!options) return options.status();
        config.tunnel = *options;
        config.tunnel.type = config.kind == datapath::PortKind::vxlan ? port::TunnelType::vxlan
                                                                      : port::TunnelType::geneve;
        if (Status s = port::check_tunnel_options(config.tunnel); !s) return s;
    }
    return config;
}

}  // namespace

void register_port_commands(CommandRegistry& registry, SwitchService& service) {
    registry.add("port.add",
                 "add interface {port} to {bridge} [vlan|trunk, offload vnet|legacy, corrupt, "
                 "unsafe_mark_verified; type vxlan|geneve with tunnel {remote, local, key, "
                 "dst_port, csum, ttl, tos, df}]",
                 [&service](const json& params, Session&) -> Result<json> {
                     Params p(params);
                     auto bridge = p.required_string("bridge");
                     if (!bridge) return bridge.status();
                     auto config = port_config_from(p);
                     if (!config) return config.status();
                     if (Status s = service.add_port(*bridge, *config); !s) return s;
                     return json{{"bridge", *bridge}, {"port", config->name}};
                 });
    registry.add("port.del", "remove {port} from {bridge}",
                 [&service](const json& params, Session&) -> Result<json> {
                     Params p(params);
                     auto bridge = p.required_string("bridge");
                     if (!bridge) return bridge.status();
                     auto port = p.required_string("port");
                     if (!port) return port.status();
                     if (Status s = service.del_port(*bridge, *port); !s) return s;
                     return json{{"bridge", *bridge}, {"port", *port}};
                 });
}

}  // namespace sy::control
