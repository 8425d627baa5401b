// port.add, port.del
#include <fmt/core.h>

#include "control/commands.hpp"
#include "control/params.hpp"
#include "control/tunnel_json.hpp"
#include "control/port_types.hpp"

#include <fmt/core.h>

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
    auto devargs = p.optional_string("devargs");
    if (!devargs) return devargs.status();
    auto socket = p.optional_string("socket");
    if (!socket) return socket.status();
    auto client = p.optional_bool("client", false);
    if (!client) return client.status();
    auto rxq = p.optional_int("rxq", 1, 64);
    if (!rxq) return rxq.status();
    auto txq = p.optional_int("txq", 1, 64);
    if (!txq) return txq.status();
    const bool dpdk = config.kind == datapath::PortKind::dpdk;
    const bool vhost = config.kind == datapath::PortKind::dpdk_vhost_user;
    if (dpdk != devargs->has_value()) {
        return Status(Errc::invalid_argument, dpdk ? "a dpdk port needs 'devargs'"
                                                   : "'devargs' is only for dpdk ports");
    }
    if (vhost != socket->has_value()) {
        return Status(Errc::invalid_argument, vhost ? "a dpdkvhostuser port needs 'socket'"
                                                    : "'socket' is only for dpdkvhostuser ports");
    }
    if (*client && !vhost) {
        return Status(Errc::invalid_argument, "'client' is only for dpdkvhostuser ports");
    }
    if ((*rxq || *txq) && !dpdk && !vhost) {
        return Status(Errc::invalid_argument, "'rxq'/'txq' are only for DPDK ports");
    }
    if (vhost && (*socket)->empty()) {
        return Status(Errc::invalid_argument, "'socket' must not be empty");
    }
    config.devargs = devargs->value_or("");
    config.vhost_socket = socket->value_or("");
    config.vhost_client = *client;
    config.rx_queues = static_cast<std::uint16_t>(rxq->value_or(1));
    config.tx_queues = static_cast<std::uint16_t>(txq->value_or(1));
    return config;
}

}  // namespace

void register_port_commands(CommandRegistry& registry, SwitchService& service) {
    registry.add("port.add",
                 "add interface {port} to {bridge} [type system|tap|vxlan|geneve|dpdk|"
                 "dpdkvhostuser, vlan|trunk, offload vnet|legacy, corrupt, unsafe_mark_verified; "
                 "tunnel {remote, local, key, dst_port, csum, ttl, tos, df} for vxlan|geneve; "
                 "devargs (dpdk), socket, client (dpdkvhostuser), rxq, txq]",
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
