// port.add, port.del
#include "control/commands.hpp"
#include "control/params.hpp"

#include <fmt/core.h>

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
    const std::string kind = type->value_or("af_packet");
    if (kind == "af_packet" || kind == "system") {
        config.kind = datapath::PortKind::af_packet;
    } else if (kind == "tap") {
        config.kind = datapath::PortKind::tap;
    } else if (kind == "dpdk") {
        config.kind = datapath::PortKind::dpdk;
    } else if (kind == "dpdkvhostuser") {
        config.kind = datapath::PortKind::dpdk_vhost_user;
    } else {
        return Status(Errc::invalid_argument,
                      fmt::format("port type '{}' is not af_packet, tap, dpdk or dpdkvhostuser",
                                  kind));
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
                 "add interface {port} to {bridge} [vlan|trunk, offload vnet|legacy, corrupt, "
                 "unsafe_mark_verified]",
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
