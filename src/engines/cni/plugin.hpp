#pragma once
// The CNI plugin's commands. The plugin is a client of the switch daemon's control socket:
// a bridge and a port are the daemon's to make (it owns the configuration and restores it);
// the plugin only turns a CNI invocation into control calls and a spec-valid answer.
//   ADD:   IPAM ADD, then container.attach (veth created inside CNI_NETNS, offloads on,
//          addresses and routes from IPAM), then the result.
//   DEL:   container.detach (nothing attached is fine: DEL is idempotent), IPAM DEL.
//   CHECK: the port is attached, up, in that namespace with that address; IPAM CHECK.
//   STATUS (1.1.0): the daemon answers.  GC (1.1.0): ports of this network whose attachment is
//          not in cni.dev/valid-attachments are detached.
//   VERSION.
// Ports are marked with external_ids cni.network / cni.container / cni.ifname.

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>

#include "base/status.hpp"
#include "engines/cni/cni_error.hpp"
#include "engines/cni/invocation.hpp"
#include "engines/cni/ipam.hpp"

namespace sy::engines::cni {

inline constexpr const char* kNetworkKey = "cni.network";
inline constexpr const char* kContainerKey = "cni.container";
inline constexpr const char* kIfnameKey = "cni.ifname";

// One JSON-RPC call to the daemon.
using DaemonCall =
    std::function<Result<nlohmann::json>(const std::string& method, const nlohmann::json& params)>;

// The outside world, replaceable in tests.
struct PluginIo {
    // Connects to the daemon's control socket; fails when no daemon listens there.
    std::function<Result<DaemonCall>(const std::string& socket)> connect;
    std::function<IpamRunner(const Environment&, const NetworkConfig&)> ipam = exec_ipam;
    // MAC of a host interface ("" if unknown).
    std::function<std::string(const std::string& ifname)> host_mac;
    // Whether `ifname` exists in the namespace file `netns`.
    std::function<bool(const std::string& netns, const std::string& ifname)> link_in_netns;

    static PluginIo real();
};

struct PluginOutput {
    int exit_code = 0;
    std::string stdout_text;  // the result or the error JSON (may be empty: DEL, CHECK)
};

PluginOutput run_plugin(const std::map<std::string, std::string>& environment,
                        const std::string& stdin_text, const PluginIo& io,
                        const std::string& default_socket);

// The whole plugin as a process: reads the environment and stdin, prints the answer.
int cni_main();

}  // namespace sy::engines::cni
