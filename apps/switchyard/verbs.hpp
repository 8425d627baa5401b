#pragma once
// Each verb family registers its subcommands on the root app. One function per family,
// defined in verbs_<family>.cpp, called from main.cpp.
#include <CLI/CLI.hpp>

#include <string>
#include <string_view>

namespace sy::app {

inline constexpr const char* kVersion = "0.1";

// Options every verb shares, owned by main.cpp.
struct Context {
    // Private directory for the control socket and the state store (--dir, or the
    // SWITCHYARD_DIR environment variable). Empty: the defaults, /run/switchyard for the
    // socket and /var/lib/switchyard for the state.
    std::string dir;
};
Context& context();

// Verb families. Each is defined in verbs_<family>.cpp.
// (declarations go here, one line each)
void add_capture_verbs(CLI::App& app);  // verbs_capture.cpp: capture (kernel iface or switch port)
void add_forensics_verbs(CLI::App& app);  // verbs_forensics.cpp: csum-trace
// verbs_switch.cpp: add-br del-br show stats fdb, and the two below
void add_switch_verbs(CLI::App& app);
void add_daemon_verb(CLI::App& app);      // verbs_daemon.cpp: daemon
void add_port_verbs(CLI::App& app);       // verbs_port.cpp: add-port del-port
void add_container_verbs(CLI::App& app);  // verbs_container.cpp: attach detach
void add_openflow_verbs(
    CLI::App& app);  // verbs_openflow.cpp: set-controller del-controller set-fail-mode
void add_flow_verbs(
    CLI::App& app);  // verbs_flows.cpp: add-flow(s) mod/del/dump/replace-flows trace
// Switch port capture through the daemon, for `capture BRIDGE PORT -w FILE`
// (verbs_switch_capture.cpp).
int capture_switch_port(const std::string& bridge, const std::string& port,
                        const std::string& direction, const std::string& path);
// ... stopping by itself after `duration_seconds` (> 0), as `capture --duration`
// (verbs_switch_capture.cpp).
int capture_switch_port(const std::string& bridge, const std::string& port,
                        const std::string& direction, const std::string& path,
                        double duration_seconds);

// Set by a verb's callback; main() returns it. Convention: 0 ok, 1 problem found, 2 bad input.
int& exit_code();
// Prints one `switchyard: MESSAGE` line (newlines folded) to stderr and returns 2.
int usage_error(std::string_view message);

}  // namespace sy::app
