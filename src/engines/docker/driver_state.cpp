#include "engines/docker/driver_state.hpp"

#include <fmt/core.h>

namespace sy::engines::docker {

using nlohmann::json;

namespace {

std::string short_id(const std::string& id) {
    return id.substr(0, 12);
}

}  // namespace

std::string port_name(const std::string& endpoint_id) {
    return "dk" + short_id(endpoint_id);
}
std::string container_end_name(const std::string& endpoint_id) {
    return "dc" + short_id(endpoint_id);
}
std::string default_bridge_name(const std::string& network_id) {
    return "dk-" + short_id(network_id);
}

json to_json(const DriverState& state) {
    json networks = json::object();
    for (const auto& [id, n] : state.networks) {
        json j{{"bridge", n.bridge},
               {"created_bridge", n.created_bridge},
               {"default_route", n.default_route}};
        if (n.vlan != 0) j["vlan"] = n.vlan;
        if (n.mtu) j["mtu"] = *n.mtu;
        if (!n.gateway.empty()) j["gateway"] = n.gateway;
        if (!n.gateway_ipv6.empty()) j["gateway_ipv6"] = n.gateway_ipv6;
        networks[id] = std::move(j);
    }
    json endpoints = json::object();
    for (const auto& [id, e] : state.endpoints) {
        json j{{"network", e.network}, {"mac", e.mac}};
        if (!e.address.empty()) j["address"] = e.address;
        if (!e.address_ipv6.empty()) j["address_ipv6"] = e.address_ipv6;
        endpoints[id] = std::move(j);
    }
    return json{{"networks", std::move(networks)}, {"endpoints", std::move(endpoints)}};
}

Result<DriverState> driver_state_from_json(const json& doc) {
    DriverState state;
    auto corrupt = [](const std::string& where, const char* what) {
        return Status(Errc::corrupt, fmt::format("engines.docker.{}: {}", where, what));
    };
    if (!doc.is_object()) return corrupt("", "expected an object");
    // value() throws on a type mismatch; the checks below keep that from happening.
    auto str = [](const json& j, const char* key) {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (auto it = doc.find("networks"); it != doc.end()) {
        if (!it->is_object()) return corrupt("networks", "expected an object");
        for (const auto& [id, j] : it->items()) {
            if (!j.is_object() || !j.contains("bridge") || !j["bridge"].is_string())
                return corrupt("networks." + id, "expected an object with a bridge");
            NetworkRecord n;
            n.bridge = j["bridge"].get<std::string>();
            if (auto b = j.find("created_bridge"); b != j.end() && b->is_boolean())
                n.created_bridge = b->get<bool>();
            if (auto b = j.find("default_route"); b != j.end() && b->is_boolean())
                n.default_route = b->get<bool>();
            if (auto v = j.find("vlan"); v != j.end()) {
                if (!v->is_number_integer() || *v < 0 || *v > 4094)
                    return corrupt("networks." + id + ".vlan", "expected 0..4094");
                n.vlan = v->get<std::uint16_t>();
            }
            if (auto m = j.find("mtu"); m != j.end()) {
                if (!m->is_number_integer() || *m < 68 || *m > 65535)
                    return corrupt("networks." + id + ".mtu", "expected 68..65535");
                n.mtu = m->get<std::uint32_t>();
            }
            n.gateway = str(j, "gateway");
            n.gateway_ipv6 = str(j, "gateway_ipv6");
            state.networks[id] = std::move(n);
        }
    }
    if (auto it = doc.find("endpoints"); it != doc.end()) {
        if (!it->is_object()) return corrupt("endpoints", "expected an object");
        for (const auto& [id, j] : it->items()) {
            if (!j.is_object() || !j.contains("network") || !j["network"].is_string())
                return corrupt("endpoints." + id, "expected an object with a network");
            EndpointRecord e;
            e.network = j["network"].get<std::string>();
            e.address = str(j, "address");
            e.address_ipv6 = str(j, "address_ipv6");
            e.mac = str(j, "mac");
            state.endpoints[id] = std::move(e);
        }
    }
    return state;
}

}  // namespace sy::engines::docker
