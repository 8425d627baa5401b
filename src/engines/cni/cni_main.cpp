// The plugin as a process, and its real connections: the daemon's control socket, IPAM
// plugins, the host's and the container's interfaces.
#include <fmt/core.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <iterator>

#include "container/netns_target.hpp"
#include "container/rtnetlink.hpp"
#include "control/control_client.hpp"
#include "control/paths.hpp"
#include "engines/cni/plugin.hpp"

extern char** environ;

namespace sy::engines::cni {

PluginIo PluginIo::real() {
    PluginIo io;
    io.connect = [](const std::string& socket) -> Result<DaemonCall> {
        auto client = control::ControlClient::connect(socket);
        if (!client) return client.status();
        auto shared = std::make_shared<control::ControlClient>(std::move(*client));
        return DaemonCall([shared](const std::string& method, const nlohmann::json& params) {
            return shared->call(method, params);
        });
    };
    io.host_mac = [](const std::string& ifname) {
        std::ifstream in("/sys/class/net/" + ifname + "/address");
        std::string mac;
        std::getline(in, mac);
        return mac;
    };
    io.link_in_netns = [](const std::string& netns, const std::string& ifname) {
        auto handle = container::NetnsHandle::open(container::NetnsTarget{netns, netns});
        if (!handle) return false;
        auto rtnl = container::Rtnetlink::open_in_netns(handle->fd());
        return rtnl && (*rtnl)->link_index(ifname).is_ok();
    };
    return io;
}

int cni_main() {
    std::map<std::string, std::string> environment;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string::npos) environment[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    const std::string input{std::istreambuf_iterator<char>(std::cin),
                            std::istreambuf_iterator<char>()};
    // The same default as the switchyard verbs: SWITCHYARD_DIR, else /run/switchyard.
    auto dir = environment.find("SWITCHYARD_DIR");
    const std::string socket =
        control::control_paths(dir == environment.end() ? "" : dir->second).socket;
    const PluginOutput out = run_plugin(environment, input, PluginIo::real(), socket);
    fmt::print("{}", out.stdout_text);
    std::fflush(stdout);
    return out.exit_code;
}

}  // namespace sy::engines::cni
