#pragma once
// Each verb family registers its subcommands on the root app. One function per family,
// defined in verbs_<family>.cpp, called from main.cpp.
#include <CLI/CLI.hpp>

#include <string>

namespace sy::app {

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
void add_capture_verbs(CLI::App& app);    // verbs_capture.cpp: capture (kernel iface or switch port)
void add_forensics_verbs(CLI::App& app);  // verbs_forensics.cpp: csum-trace
// Switch port capture through the daemon, for `capture BRIDGE PORT -w FILE` (TODO control:
// define it; until then a weak default in verbs_capture.cpp says the daemon is missing, exit 2).
int capture_switch_port(const std::string& bridge, const std::string& port,
                        const std::string& direction, const std::string& path);

// Set by a verb's callback; main() returns it. Convention: 0 ok, 1 problem found, 2 bad input.
int& exit_code();

}  // namespace sy::app
