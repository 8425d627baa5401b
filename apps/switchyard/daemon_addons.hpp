#pragma once
// The daemon's optional companions, chosen on its command line: the Prometheus endpoint
// (--metrics) and the Docker network plugin (--docker-plugin). They live in the metrics and
// engines layers; this is where they are composed into the daemon (control::DaemonAddon).

#include <CLI/CLI.hpp>

#include <string>

#include "control/daemon.hpp"

namespace sy::app {

struct DaemonAddonArgs {
    std::string metrics;  // ADDR:PORT or PORT; empty: off
    bool docker_plugin = false;
    std::string docker_plugin_name;  // empty: the default, "switchyard"
};

void add_daemon_addon_options(CLI::App& daemon, DaemonAddonArgs& args);

// Checks the options (one line on stderr, `switchyard: ...`, and false when one is bad:
// nothing has started yet) and adds the factories of the addons asked for.
bool make_daemon_addons(const DaemonAddonArgs& args, control::DaemonOptions& options);

}  // namespace sy::app
