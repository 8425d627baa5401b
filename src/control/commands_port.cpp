// port.add, port.del
#include <fmt/core.h>

#include "control/commands.hpp"
#include "control/params.hpp"
#include "control/tunnel_json.hpp"
#include "control/port_types.hpp"

namespace sy::control {

using nlohmann::json;

namespace {

bool params_has(const Params& p, const char* name) {
    return p.has(name);
}

Result<datapath::PortConfig> port_config_from(const Params& p) {
    datapath::PortConfig config;
    auto name = p.required_string("port");
    if (!name) return name.status();
    config.name = *name;
    auto type = p.optional_string("type");
    if (!type) return type.status();
    if (*type) {
        const PortType* t = find_port_type(**type);
        if (t == nullptr || t->kind == datapath::PortKind::memory)
            return Status(Errc::invalid_argument,
                          fmt::format("port type '{}' is not one of: {}", **type,
                                      port_type_names()));
        config.kind = t->kind;
    }
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
    if (params_has(p, "trunk")) {
        if (Status s = check_vlan_list(*trunk); !s) return s;
    }
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
    const bool has_tunnel = p.raw().contains("tunnel");
    if (datapath::is_tunnel(config.kind)) {
        if (!has_tunnel)
            return Status(Errc::invalid_argument,
                          fmt::format("a {} port needs its tunnel options (remote, key)",
                                      port_type_of(config.kind).name));
        auto options = tunnel_from_json(p.raw()["tunnel"]);
        if (!options) return options.status();
        config.tunnel = *options;
        config.tunnel.type = config.kind == datapath::PortKind::vxlan ? port::TunnelType::vxlan
                                                                      : port::TunnelType::geneve;
        if (Status s = port::check_tunnel_options(config.tunnel); !s) return s;
    } else if (has_tunnel) {
        return Status(Errc::invalid_argument, "'tunnel' is only for vxlan and geneve ports");
    }
    return config;
}

}  // namespace

void register_port_commands(CommandRegistry& registry, SwitchService& service) {
    registry.add("port.add",
                 "add interface {port} to {bridge} [type system|tap|vxlan|geneve, vlan|trunk, "
                 "offload vnet|legacy, corrupt, unsafe_mark_verified; tunnel {remote, local, key, "
                 "dst_port, csum, ttl, tos, df} for vxlan|geneve]",
                 [&service](const json& params, Session&) -> Result<json> {
                     Params p(params);
                     auto bridge = p.required_string("bridge");
                     if (!bridge) return bridge.status();
                     auto config = port_config_from(p);
                     if (!config) return config.status();
                     if (Status s = service.add_port(*bridge, *config); !s) return s;
                     return json{{"bridge", *bridge},
                                 {"port", config->name},
                                 {"type", port_type_of(config->kind).name}};
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
