#pragma once
// Where the daemon and the verbs meet: the control socket and the state file. Both default
// to the system locations; a private directory (--dir / SWITCHYARD_DIR) holds both, so tests
// can run their own daemon.

#include <string>

namespace sy::control {

struct ControlPaths {
    std::string run_dir;    // holds the socket
    std::string state_dir;  // holds the state file and the daemon lock
    std::string socket;
    std::string state;
    std::string lock;
};

inline constexpr const char* kDefaultRunDir = "/run/switchyard";
inline constexpr const char* kDefaultStateDir = "/var/lib/switchyard";

ControlPaths control_paths(const std::string& dir);
// A bridge's OpenFlow management socket (ovs-ofctl unix:PATH), next to the control socket.
std::string mgmt_socket_path(const std::string& control_socket, const std::string& bridge);

}  // namespace sy::control
