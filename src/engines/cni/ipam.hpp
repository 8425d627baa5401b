#pragma once
// Delegation to an IPAM plugin (host-local, dhcp, static...): found by its type in CNI_PATH,
// run with our environment (CNI_COMMAND possibly replaced) and the whole network configuration
// on stdin, as the spec's "delegated plugin" protocol says.

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "engines/cni/cni_error.hpp"
#include "engines/cni/invocation.hpp"

namespace sy::engines::cni {

// What an IPAM ADD gives: addresses (CIDR, optional gateway) and routes, in the result format
// of the configuration's cniVersion.
struct IpamResult {
    struct Ip {
        std::string address;  // CIDR
        std::string gateway;  // may be empty
        bool ipv6 = false;
    };
    struct Route {
        std::string dst;  // CIDR
        std::string gw;   // may be empty
    };
    std::vector<Ip> ips;
    std::vector<Route> routes;
    nlohmann::json dns;  // passed through
};

// Runs the IPAM plugin for `command` and returns its stdout as JSON (null when it printed
// nothing, as DEL does); its error JSON becomes the CniError.
using IpamRunner = std::function<Outcome<nlohmann::json>(const std::string& command)>;

// The real runner: executes `ipam.type` from env.path with `config` on stdin.
IpamRunner exec_ipam(const Environment& env, const NetworkConfig& config);

Outcome<IpamResult> parse_ipam_result(const nlohmann::json& result);

}  // namespace sy::engines::cni
