#pragma once
// What the Docker driver remembers across restarts of the daemon (and of dockerd, which does
// not repeat CreateNetwork or CreateEndpoint for what it already has): its networks and
// endpoints. Saved in the daemon's state file under engines.docker, in the same write as the
// switch change each one goes with. Whether an endpoint is joined is not stored: it is joined
// exactly when a port carries its ID (external_ids "docker.endpoint").

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/status.hpp"

namespace sy::engines::docker {

inline constexpr const char* kEngineName = "docker";
// external_ids keys on the ports the driver makes.
inline constexpr const char* kEndpointKey = "docker.endpoint";
inline constexpr const char* kNetworkKey = "docker.network";

struct NetworkRecord {
    std::string bridge;
    bool created_bridge = false;  // removed with the last network using it
    std::uint16_t vlan = 0;       // access VLAN of every endpoint's port
    std::optional<std::uint32_t> mtu;
    std::string gateway;  // IPv4 gateway Docker's IPAM reserved ("" if none)
    std::string gateway_ipv6;
    bool default_route = false;  // give containers a default route via the gateway
};

struct EndpointRecord {
    std::string network;
    std::string address;  // CIDR, from Docker's IPAM
    std::string address_ipv6;
    std::string mac;
};

struct DriverState {
    std::map<std::string, NetworkRecord> networks;    // by Docker network ID
    std::map<std::string, EndpointRecord> endpoints;  // by Docker endpoint ID
};

nlohmann::json to_json(const DriverState& state);
// Errc::corrupt naming the field when the saved state cannot be read.
Result<DriverState> driver_state_from_json(const nlohmann::json& doc);

// Interface names of an endpoint's veth pair: the switch port on the host, and the end Docker
// moves into the container (and renames to eth0...). 2 + 12 hex digits of the ID: readable
// next to `docker network inspect`, and within the 15-byte limit.
std::string port_name(const std::string& endpoint_id);
std::string container_end_name(const std::string& endpoint_id);

// The default bridge of a network: "dk-" + the 12 digits `docker network ls` shows.
std::string default_bridge_name(const std::string& network_id);

}  // namespace sy::engines::docker
