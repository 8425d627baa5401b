#include "engines/docker/network_driver.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cstdio>

#include "container/address.hpp"
#include "container/attach.hpp"
#include "control/log.hpp"
#include "engines/derived_mac.hpp"

namespace sy::engines::docker {

using control::log_info;
using control::log_warn;
using nlohmann::json;

namespace {

Status bad(std::string message) {
    return Status(Errc::invalid_argument, std::move(message));
}

// Docker's IDs are 64 hex digits; names are derived from their first 12.
Result<std::string> id_field(const json& request, const char* key) {
    auto it = request.find(key);
    if (it == request.end() || !it->is_string()) return bad(fmt::format("{} missing", key));
    const auto id = it->get<std::string>();
    const bool hex = std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    });
    if (id.size() < 12 || !hex)
        return bad(fmt::format("{} '{}' is not a Docker ID (hex digits)", key, id));
    return id;
}

std::string string_field(const json& object, const char* key) {
    if (!object.is_object()) return {};
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "10.1.0.1/24" -> "10.1.0.1" (Docker gives the gateway with its pool's prefix length).
std::string without_prefix(const std::string& cidr) {
    return cidr.substr(0, cidr.find('/'));
}

struct PortRef {
    std::string bridge;
    std::string port;
};

std::optional<PortRef> port_of(const control::Config& config, const std::string& endpoint_id) {
    for (const auto& bridge : config.bridges) {
        for (const auto& port : bridge.ports) {
            auto it = port.external_ids.find(kEndpointKey);
            if (it != port.external_ids.end() && it->second == endpoint_id)
                return PortRef{bridge.name, port.config.name};
        }
    }
    return std::nullopt;
}

// Reads -o options (Docker passes them as strings under com.docker.network.generic).
Status apply_options(const json& options, NetworkRecord& n, std::string& bridge) {
    const json* generic = nullptr;
    if (options.is_object()) {
        auto it = options.find("com.docker.network.generic");
        if (it != options.end() && it->is_object()) generic = &*it;
    }
    if (generic == nullptr) return Status::ok();
    for (const auto& [key, value] : generic->items()) {
        const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        if (key == kBridgeOption) {
            if (Status s = container::check_ifname(text); !s)
                return bad(fmt::format("-o {}={}: {}", key, text, s.message()));
            bridge = text;
        } else if (key == kVlanOption) {
            int vlan = 0;
            if (std::sscanf(text.c_str(), "%d", &vlan) != 1 || vlan < 1 || vlan > 4094 ||
                std::to_string(vlan) != text)
                return bad(fmt::format("-o {}={}: expected a VLAN id in 1..4094", key, text));
            n.vlan = static_cast<std::uint16_t>(vlan);
        } else if (key == kDefaultRouteOption) {
            if (text != "true" && text != "false")
                return bad(fmt::format("-o {}={}: expected true or false", key, text));
            n.default_route = text == "true";
        } else if (key == kMtuOption) {
            unsigned mtu = 0;
            if (std::sscanf(text.c_str(), "%u", &mtu) != 1 || mtu < 68 || mtu > 65535 ||
                std::to_string(mtu) != text)
                return bad(fmt::format("-o {}={}: expected an MTU in 68..65535", key, text));
            n.mtu = mtu;
        } else if (key.rfind("switchyard.", 0) == 0) {
            return bad(fmt::format("unknown option -o {} (known: {}, {}, {})", key, kBridgeOption,
                                   kVlanOption, kDefaultRouteOption));
        }
    }
    return Status::ok();
}

}  // namespace

VethOps VethOps::real() {
    return VethOps{container::create_host_veth,
                   [](const std::string& name) { return container::detach(name); }};
}

Result<std::unique_ptr<NetworkDriver>> NetworkDriver::create(control::SwitchService& service,
                                                             VethOps veths) {
    auto state = driver_state_from_json(service.engine_state(kEngineName));
    if (!state) return state.status();
    return std::unique_ptr<NetworkDriver>(
        new NetworkDriver(service, std::move(veths), std::move(*state)));
}

NetworkDriver::NetworkDriver(control::SwitchService& service, VethOps veths, DriverState state)
    : service_(service), veths_(std::move(veths)), state_(std::move(state)) {}

control::EngineUpdate NetworkDriver::update(const DriverState& next) const {
    return control::EngineUpdate{kEngineName, to_json(next)};
}

NetworkDriver::Answer NetworkDriver::call(const std::string& method, const std::string& body) {
    json request = json::object();
    if (!body.empty()) {
        request = json::parse(body, nullptr, false);
        if (request.is_discarded() || !request.is_object()) {
            return Answer{
                400, json{{"Err", fmt::format("{}: the request is not a JSON object", method)}}};
        }
    }
    Result<json> result = json::object();
    if (method == "Plugin.Activate") {
        result = json{{"Implements", {"NetworkDriver"}}};
    } else if (method == "NetworkDriver.GetCapabilities") {
        reconcile();  // dockerd asks this when it (re)starts and loads the driver
        result = json{{"Scope", "local"}, {"ConnectivityScope", "local"}};
    } else if (method == "NetworkDriver.CreateNetwork") {
        result = create_network(request);
    } else if (method == "NetworkDriver.DeleteNetwork") {
        result = delete_network(request);
    } else if (method == "NetworkDriver.CreateEndpoint") {
        result = create_endpoint(request);
    } else if (method == "NetworkDriver.DeleteEndpoint") {
        result = delete_endpoint(request);
    } else if (method == "NetworkDriver.EndpointOperInfo") {
        result = oper_info(request);
    } else if (method == "NetworkDriver.Join") {
        result = join(request);
    } else if (method == "NetworkDriver.Leave") {
        result = leave(request);
    } else if (method == "NetworkDriver.DiscoverNew" || method == "NetworkDriver.DiscoverDelete" ||
               method == "NetworkDriver.ProgramExternalConnectivity" ||
               method == "NetworkDriver.RevokeExternalConnectivity" ||
               method == "NetworkDriver.FreeNetwork") {
        // Nothing to do: no cluster discovery, and no NAT/port publishing (the switch is L2;
        // `docker run -p` is not supported on these networks, see docs/containers.md).
        result = json::object();
    } else if (method == "NetworkDriver.AllocateNetwork") {
        result = Status(Errc::unsupported, "switchyard networks are local (no swarm)");
    } else {
        return Answer{404, json{{"Err", fmt::format("{} is not implemented", method)}}};
    }
    if (!result) {
        log_warn("docker: {}: {}", method, result.status().message());
        return Answer{200, json{{"Err", result.status().message()}}};
    }
    return Answer{200, std::move(*result)};
}

Result<json> NetworkDriver::create_network(const json& request) {
    auto id = id_field(request, "NetworkID");
    if (!id) return id.status();
    if (state_.networks.count(*id)) return json::object();  // Docker retried
    NetworkRecord network;
    std::string bridge = default_bridge_name(*id);
    if (Status s = apply_options(request.value("Options", json::object()), network, bridge); !s)
        return s;
    if (auto v4 = request.find("IPv4Data"); v4 != request.end() && v4->is_array() && !v4->empty())
        network.gateway = without_prefix(string_field((*v4)[0], "Gateway"));
    if (auto v6 = request.find("IPv6Data"); v6 != request.end() && v6->is_array() && !v6->empty())
        network.gateway_ipv6 = without_prefix(string_field((*v6)[0], "Gateway"));
    network.bridge = bridge;
    DriverState next = state_;
    const auto config = service_.config();
    const bool exists = std::any_of(config.bridges.begin(), config.bridges.end(),
                                    [&](const auto& b) { return b.name == bridge; });
    network.created_bridge = !exists;
    next.networks[*id] = network;
    Status saved = exists ? service_.set_engine_state(update(next))
                          : service_.add_bridge(bridge, update(next));
    if (!saved) return saved;
    state_ = std::move(next);
    log_info("docker: network {} on bridge {}{}", id->substr(0, 12), bridge,
             exists ? " (existing)" : "");
    return json::object();
}

Result<json> NetworkDriver::delete_network(const json& request) {
    auto id = id_field(request, "NetworkID");
    if (!id) return id.status();
    auto it = state_.networks.find(*id);
    if (it == state_.networks.end()) return json::object();  // already gone: fine
    const NetworkRecord network = it->second;
    // Docker deletes endpoints first; remove any it left (e.g. after a crash) with the network.
    std::vector<std::string> leftovers;
    for (const auto& [eid, e] : state_.endpoints)
        if (e.network == *id) leftovers.push_back(eid);
    for (const auto& eid : leftovers) {
        if (Status s = remove_endpoint(eid, true); !s) return s;
    }
    DriverState next = state_;
    next.networks.erase(*id);
    const bool shared = std::any_of(next.networks.begin(), next.networks.end(), [&](const auto& n) {
        return n.second.bridge == network.bridge;
    });
    Status s = (network.created_bridge && !shared)
                   ? service_.del_bridge(network.bridge, update(next))
                   : service_.set_engine_state(update(next));
    if (!s && s.code() == Errc::not_found) s = service_.set_engine_state(update(next));
    if (!s) return s;
    state_ = std::move(next);
    log_info("docker: network {} deleted (bridge {} {})", id->substr(0, 12), network.bridge,
             network.created_bridge && !shared ? "removed" : "kept");
    return json::object();
}

Result<json> NetworkDriver::create_endpoint(const json& request) {
    auto nid = id_field(request, "NetworkID");
    if (!nid) return nid.status();
    auto eid = id_field(request, "EndpointID");
    if (!eid) return eid.status();
    if (!state_.networks.count(*nid))
        return Status(Errc::not_found, fmt::format("unknown network {}", nid->substr(0, 12)));
    const json iface = request.value("Interface", json::object());
    EndpointRecord endpoint;
    endpoint.network = *nid;
    endpoint.address = string_field(iface, "Address");
    endpoint.address_ipv6 = string_field(iface, "AddressIPv6");
    const std::string given_mac = string_field(iface, "MacAddress");
    if (!given_mac.empty()) {
        auto mac = container::parse_mac(given_mac);
        if (!mac) return mac.status();
        endpoint.mac = mac->to_string();
    } else {
        endpoint.mac = engines::mac_for_address(endpoint.address, endpoint.address_ipv6);
    }
    DriverState next = state_;
    next.endpoints[*eid] = endpoint;
    if (Status s = service_.set_engine_state(update(next)); !s) return s;
    state_ = std::move(next);
    // Docker refuses an answer that repeats a field it chose itself.
    if (!given_mac.empty()) return json{{"Interface", json::object()}};
    return json{{"Interface", {{"MacAddress", endpoint.mac}}}};
}

Status NetworkDriver::remove_endpoint(const std::string& eid, bool forget) {
    DriverState next = state_;
    if (forget) next.endpoints.erase(eid);
    const auto where = port_of(service_.config(), eid);
    Status s = where ? service_.del_port(where->bridge, where->port, update(next))
                     : (forget ? service_.set_engine_state(update(next)) : Status::ok());
    if (!s) return s;
    state_ = std::move(next);
    if (forget) {
        if (Status gone = veths_.remove(port_name(eid)); !gone && gone.code() != Errc::not_found)
            log_warn("docker: endpoint {}: removing veth {}: {}", eid.substr(0, 12), port_name(eid),
                     gone.message());
    }
    return Status::ok();
}

Result<json> NetworkDriver::delete_endpoint(const json& request) {
    auto eid = id_field(request, "EndpointID");
    if (!eid) return eid.status();
    if (!state_.endpoints.count(*eid) && !port_of(service_.config(), *eid)) {
        veths_.remove(port_name(*eid));  // idempotent: nothing of ours should be left
        return json::object();
    }
    if (Status s = remove_endpoint(*eid, true); !s) return s;
    log_info("docker: endpoint {} deleted", eid->substr(0, 12));
    return json::object();
}

Result<json> NetworkDriver::join(const json& request) {
    auto nid = id_field(request, "NetworkID");
    if (!nid) return nid.status();
    auto eid = id_field(request, "EndpointID");
    if (!eid) return eid.status();
    auto e = state_.endpoints.find(*eid);
    if (e == state_.endpoints.end())
        return Status(Errc::not_found, fmt::format("unknown endpoint {}", eid->substr(0, 12)));
    auto n = state_.networks.find(e->second.network);
    if (n == state_.networks.end())
        return Status(Errc::not_found,
                      fmt::format("endpoint {}: unknown network", eid->substr(0, 12)));
    const NetworkRecord& network = n->second;
    const std::string port = port_name(*eid);
    const std::string peer = container_end_name(*eid);

    if (!port_of(service_.config(), *eid)) {
        // A veth left by an interrupted Join would make the name clash: start over.
        veths_.remove(port);
        container::HostVethRequest veth;
        veth.name = port;
        veth.peer_name = peer;
        auto mac = container::parse_mac(e->second.mac);
        if (mac) veth.peer_mac = *mac;
        veth.mtu = network.mtu;
        if (Status s = veths_.create(veth); !s) return s;
        datapath::PortConfig config;
        config.name = port;
        config.access_vlan = network.vlan;
        config.offload = datapath::OffloadMode::vnet_hdr;  // offloads stay on in the container
        const control::ExternalIds ids{{kEndpointKey, *eid}, {kNetworkKey, e->second.network}};
        if (Status s = service_.add_port(network.bridge, config, ids); !s) {
            veths_.remove(port);
            return s;
        }
    }
    log_info("docker: endpoint {} joined: port {} on {} ({} {})", eid->substr(0, 12), port,
             network.bridge, e->second.address, e->second.mac);
    // DisableGatewayService: without a gateway Docker would add a second interface on its
    // docker_gwbridge Linux bridge for outside access; these networks are L2 only.
    json answer{{"InterfaceName", {{"SrcName", peer}, {"DstPrefix", "eth"}}},
                {"DisableGatewayService", true}};
    if (network.default_route && !network.gateway.empty()) answer["Gateway"] = network.gateway;
    if (network.default_route && !network.gateway_ipv6.empty())
        answer["GatewayIPv6"] = network.gateway_ipv6;
    return answer;
}

Result<json> NetworkDriver::leave(const json& request) {
    auto eid = id_field(request, "EndpointID");
    if (!eid) return eid.status();
    // The port stops forwarding now; the veth goes with DeleteEndpoint (Docker first moves the
    // container end back out of the sandbox).
    if (Status s = remove_endpoint(*eid, false); !s) return s;
    return json::object();
}

Result<json> NetworkDriver::oper_info(const json& request) {
    auto eid = id_field(request, "EndpointID");
    if (!eid) return eid.status();
    auto e = state_.endpoints.find(*eid);
    if (e == state_.endpoints.end())
        return Status(Errc::not_found, fmt::format("unknown endpoint {}", eid->substr(0, 12)));
    json value{{"mac", e->second.mac}, {"port", port_name(*eid)}};
    if (auto n = state_.networks.find(e->second.network); n != state_.networks.end())
        value["bridge"] = n->second.bridge;
    value["joined"] = port_of(service_.config(), *eid).has_value();
    return json{{"Value", std::move(value)}};
}

void NetworkDriver::reconcile() {
    auto config = service_.config();
    const auto networks = state_.networks;  // state_ is replaced inside the loop
    for (const auto& [id, network] : networks) {
        if (config.find_bridge(network.bridge) != nullptr) continue;
        DriverState next = state_;
        next.networks[id].created_bridge = true;
        if (Status s = service_.add_bridge(network.bridge, update(next)); !s) {
            log_warn("docker: network {}: cannot make its bridge {} again: {}", id.substr(0, 12),
                     network.bridge, s.message());
            continue;
        }
        state_ = std::move(next);
        log_info("docker: network {}: bridge {} was gone, made again", id.substr(0, 12),
                 network.bridge);
    }
    config = service_.config();
    for (const auto& bridge : config.bridges) {
        for (const auto& port : bridge.ports) {
            auto it = port.external_ids.find(kEndpointKey);
            if (it == port.external_ids.end()) continue;
            const std::string eid = it->second;
            const bool known = state_.endpoints.count(eid) != 0;
            if (known && service_.host_link_exists(port.config.name)) continue;
            if (Status s = remove_endpoint(eid, true); !s) {
                log_warn("docker: reconcile: port {}: {}", port.config.name, s.message());
                continue;
            }
            log_info("docker: port {} removed: {}", port.config.name,
                     known ? "its interface is gone (the container's namespace went away)"
                           : "no such Docker endpoint");
        }
    }
}

}  // namespace sy::engines::docker
