#pragma once
// `switchyard daemon`: the composition root of the running switch. Foreground, logs to
// stderr, stops cleanly on SIGTERM/SIGINT (systemd-friendly: Type=simple).

#include <functional>
#include <memory>
#include <string>

#include "datapath/switch.hpp"

namespace sy::control {

struct DaemonOptions {
    std::string dir;  // private directory for socket and state; empty: system defaults
    // A corrupt state file normally stops the daemon. With this, it is renamed aside (kept)
    // and the daemon starts with an empty configuration.
    bool move_corrupt_state_aside = false;
};

using SwitchFactory = std::function<std::unique_ptr<datapath::Switch>()>;

// Runs until a signal; returns the process exit code (0 clean stop, 1 could not start).
int run_daemon(const DaemonOptions& options, const SwitchFactory& make_switch);

}  // namespace sy::control
