#include "engines/cni/invocation.hpp"

#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <sstream>

#include "container/address.hpp"

namespace sy::engines::cni {

using nlohmann::json;

namespace {

CniError env_error(const std::string& what) {
    return CniError{ErrorCode::invalid_environment, what, ""};
}
CniError config_error(const std::string& what) {
    return CniError{ErrorCode::invalid_config, what, ""};
}

std::vector<int> version_numbers(const std::string& v) {
    std::vector<int> parts;
    std::stringstream in(v);
    std::string part;
    while (std::getline(in, part, '.')) parts.push_back(std::atoi(part.c_str()));
    parts.resize(3, 0);
    return parts;
}

std::string arg_value(const std::string& args, const std::string& key) {
    std::stringstream in(args);
    std::string pair;
    while (std::getline(in, pair, ';')) {
        const auto eq = pair.find('=');
        if (eq != std::string::npos && pair.substr(0, eq) == key) return pair.substr(eq + 1);
    }
    return {};
}

}  // namespace

bool version_at_least(const std::string& version, const std::string& minimum) {
    return version_numbers(version) >= version_numbers(minimum);
}

Outcome<Environment> read_environment(const std::map<std::string, std::string>& vars) {
    auto get = [&](const char* key) {
        auto it = vars.find(key);
        return it == vars.end() ? std::string() : it->second;
    };
    Environment env;
    env.command = get("CNI_COMMAND");
    env.container_id = get("CNI_CONTAINERID");
    env.netns = get("CNI_NETNS");
    env.ifname = get("CNI_IFNAME");
    env.args = get("CNI_ARGS");
    std::stringstream path(get("CNI_PATH"));
    std::string dir;
    while (std::getline(path, dir, ':'))
        if (!dir.empty()) env.path.push_back(dir);

    static const std::vector<std::string> commands{"ADD",     "DEL",    "CHECK",
                                                   "VERSION", "STATUS", "GC"};
    if (env.command.empty()) return env_error("CNI_COMMAND is not set");
    if (std::find(commands.begin(), commands.end(), env.command) == commands.end())
        return env_error(
            fmt::format("CNI_COMMAND '{}' is not one of ADD, DEL, CHECK, VERSION, "
                        "STATUS, GC",
                        env.command));
    const bool per_container =
        env.command == "ADD" || env.command == "DEL" || env.command == "CHECK";
    if (per_container) {
        if (env.container_id.empty()) return env_error("CNI_CONTAINERID is not set");
        if (env.ifname.empty()) return env_error("CNI_IFNAME is not set");
        if (auto s = container::check_ifname(env.ifname); !s)
            return env_error(fmt::format("CNI_IFNAME: {}", s.message()));
        // DEL may come after the namespace is gone: CNI_NETNS is optional there.
        if (env.command != "DEL" && env.netns.empty()) return env_error("CNI_NETNS is not set");
    }
    if (env.command != "VERSION" && env.path.empty()) return env_error("CNI_PATH is not set");
    return env;
}

Outcome<NetworkConfig> read_network_config(const std::string& text, const Environment& env,
                                           const std::string& default_socket) {
    NetworkConfig c;
    c.raw = json::parse(text, nullptr, false);
    if (c.raw.is_discarded() || !c.raw.is_object())
        return CniError{ErrorCode::decode_failure, "the network configuration is not a JSON object",
                        ""};
    auto str = [&](const char* key) -> Outcome<std::string> {
        auto it = c.raw.find(key);
        if (it == c.raw.end() || it->is_null()) return std::string();
        if (!it->is_string()) return config_error(fmt::format("\"{}\" must be a string", key));
        return it->get<std::string>();
    };
    for (auto [field, key] : {std::pair{&c.cni_version, "cniVersion"},
                              {&c.name, "name"},
                              {&c.type, "type"},
                              {&c.bridge, "bridge"},
                              {&c.socket, "socket"}}) {
        auto v = str(key);
        if (!v.ok) return v.error;
        *field = v.value;
    }
    if (c.cni_version.empty()) return config_error("\"cniVersion\" is missing");
    const auto& versions = supported_versions();
    if (std::find(versions.begin(), versions.end(), c.cni_version) == versions.end())
        return CniError{ErrorCode::incompatible_version,
                        fmt::format("cniVersion {} is not supported", c.cni_version),
                        fmt::format("supported: {}", fmt::join(versions, ", "))};
    if (c.name.empty()) return config_error("\"name\" is missing");
    if (c.bridge.empty()) c.bridge = c.name;
    if (auto s = container::check_ifname(c.bridge); !s)
        return config_error(fmt::format("\"bridge\" '{}': {}", c.bridge, s.message()));
    if (c.socket.empty()) c.socket = default_socket;
    if (auto it = c.raw.find("vlan"); it != c.raw.end()) {
        if (!it->is_number_integer() || *it < 1 || *it > 4094)
            return config_error("\"vlan\" must be an integer in 1..4094");
        c.vlan = it->get<std::uint16_t>();
    }
    if (auto it = c.raw.find("mtu"); it != c.raw.end()) {
        if (!it->is_number_integer() || *it < 68 || *it > 65535)
            return config_error("\"mtu\" must be an integer in 68..65535");
        c.mtu = it->get<std::uint32_t>();
    }
    if (auto it = c.raw.find("ipam"); it != c.raw.end()) {
        if (!it->is_object() || !it->contains("type") || !(*it)["type"].is_string())
            return config_error("\"ipam\" must be an object with a \"type\"");
        c.ipam = *it;
    }
    if (auto it = c.raw.find("prevResult"); it != c.raw.end() && it->is_object())
        c.prev_result = *it;
    // The runtime passes a chosen MAC as a capability (runtimeConfig.mac) or in CNI_ARGS.
    std::string mac;
    if (auto rc = c.raw.find("runtimeConfig"); rc != c.raw.end() && rc->is_object()) {
        if (auto m = rc->find("mac"); m != rc->end() && m->is_string()) mac = m->get<std::string>();
    }
    if (mac.empty()) mac = arg_value(env.args, "MAC");
    if (!mac.empty()) {
        auto parsed = container::parse_mac(mac);
        if (!parsed) return config_error(parsed.status().message());
        c.mac = parsed->to_string();
    }
    const bool needs_ipam = env.command == "ADD" || env.command == "DEL" || env.command == "CHECK";
    if (needs_ipam && c.ipam.is_null())
        return config_error(
            "\"ipam\" is missing: this plugin delegates addresses to an IPAM "
            "plugin (e.g. host-local)");
    return c;
}

}  // namespace sy::engines::cni
