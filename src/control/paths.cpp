#include "control/paths.hpp"

namespace sy::control {

std::string mgmt_socket_path(const std::string& control_socket, const std::string& bridge) {
    const auto slash = control_socket.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : control_socket.substr(0, slash);
    return dir + "/" + bridge + ".mgmt";
}

ControlPaths control_paths(const std::string& dir) {
    ControlPaths p;
    p.run_dir = dir.empty() ? kDefaultRunDir : dir;
    p.state_dir = dir.empty() ? kDefaultStateDir : dir;
    p.socket = p.run_dir + "/switchyard.sock";
    p.state = p.state_dir + "/state.json";
    p.lock = p.state_dir + "/switchyard.lock";
    return p;
}

}  // namespace sy::control
