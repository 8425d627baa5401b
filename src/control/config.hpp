#pragma once
// The switch's persistent configuration: bridges, their ports and, for ports made by
// `attach`, how the container end was set up. This is what the state store writes and what a
// restarted daemon restores; runtime facts (counters, learned MACs) are not in it.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "datapath/switch.hpp"

namespace sy::control {

struct Attachment {
    std::string container;   // as the person named it
    std::string netns_path;  // what it resolved to at attach time
    std::string ifname;
    std::string address;  // CIDR
    std::optional<std::string> gateway;
    std::optional<std::string> mac;
    std::optional<std::uint32_t> mtu;
    // Default member initializers keep brace-initialized attachments of fewer fields valid.
    std::vector<std::string> extra_addresses = {};  // CIDR
    struct Route {
        std::string destination;  // CIDR
        std::optional<std::string> gateway;
    };
    std::vector<Route> routes = {};
};

// Who made a port and why, as OVS keeps in an interface's external_ids: a container engine
// marks its ports (e.g. "docker.endpoint" -> endpoint ID, "cni.container" -> container ID) so
// it can find, reconcile and remove them after either side restarts. Keys and values are
// strings; the switch itself never interprets them.
using ExternalIds = std::map<std::string, std::string>;

struct PortRecord {
    datapath::PortConfig config;
    std::optional<Attachment> attachment;
    ExternalIds external_ids = {};
};

struct BridgeRecord {
    std::string name;
    std::vector<PortRecord> ports;
    // The bridge's flows as add-flow lines (ports by OpenFlow number), when they are not just
    // the default flow: nullopt means "priority=0,actions=NORMAL" only; an empty list means
    // no flows at all (every packet dropped, as after `del-flows BR`).
    std::optional<std::vector<std::string>> flows;
    // OpenFlow controller targets (set-controller: tcp:IP[:PORT], ptcp:PORT[:IP], unix:PATH,
    // punix:PATH) and the fail mode ("standalone", the default, or "secure"); docs/openflow.md.
    std::vector<std::string> controllers = {};
    std::string fail_mode = "standalone";
};

struct Config {
    std::vector<BridgeRecord> bridges;
    // What container engines keep across restarts, one JSON object per engine name ("docker":
    // its networks and endpoints). Stored and saved with the rest; the control layer does not
    // look inside.
    nlohmann::json engines = nlohmann::json::object();

    BridgeRecord* find_bridge(const std::string& name);
    // The bridge holding a port of that name, if any (port names are unique switch-wide
    // because they are interface names).
    BridgeRecord* bridge_of_port(const std::string& port);
    PortRecord* find_port(const std::string& bridge, const std::string& port);
};

inline constexpr int kConfigVersion = 1;

nlohmann::json to_json(const Config& config);
// Errc::corrupt with the path of the offending field when the document does not describe a
// valid configuration.
Result<Config> config_from_json(const nlohmann::json& doc);

const char* to_string(datapath::OffloadMode mode);
Result<datapath::OffloadMode> parse_offload_mode(const std::string& text);

}  // namespace sy::control
