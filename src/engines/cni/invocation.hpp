#pragma once
// One plugin invocation as the runtime makes it: the CNI_* environment variables and the
// network configuration on stdin, checked before anything is done.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engines/cni/cni_error.hpp"

namespace sy::engines::cni {

// The versions whose configurations and results we read and write. 1.1.0 adds STATUS and GC.
inline const std::vector<std::string>& supported_versions() {
    static const std::vector<std::string> versions{"0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};
    return versions;
}

struct Environment {
    std::string command;  // ADD, DEL, CHECK, VERSION, STATUS, GC
    std::string container_id;
    std::string netns;
    std::string ifname;
    std::string args;               // CNI_ARGS, "K=V;K=V"
    std::vector<std::string> path;  // CNI_PATH, where plugins (IPAM) are found
};

// The keys our plugin reads ("type": "switchyard"); docs/containers.md shows an example.
struct NetworkConfig {
    std::string cni_version;
    std::string name;
    std::string type;
    std::string bridge;  // switch bridge ("bridge"), default: the network's name
    std::string socket;  // daemon control socket ("socket")
    std::uint16_t vlan = 0;
    std::optional<std::uint32_t> mtu;
    std::optional<std::string> mac;  // runtimeConfig.mac or CNI_ARGS MAC=
    nlohmann::json ipam;             // handed to the IPAM plugin ("ipam": {"type": ...})
    nlohmann::json prev_result;      // DEL/CHECK
    nlohmann::json raw;              // the whole document (IPAM plugins get it as is)
};

// Reads the CNI_* variables from `env` (the process environment in production). The command's
// required variables missing: invalid_environment.
Outcome<Environment> read_environment(const std::map<std::string, std::string>& env);

// Parses and checks the configuration. `default_socket` is used when it names none.
Outcome<NetworkConfig> read_network_config(const std::string& text, const Environment& env,
                                           const std::string& default_socket);

bool version_at_least(const std::string& version, const std::string& minimum);

}  // namespace sy::engines::cni
