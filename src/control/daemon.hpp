#pragma once
// `switchyard daemon`: the composition root of the running switch. Foreground, logs to
// stderr, stops cleanly on SIGTERM/SIGINT (systemd-friendly: Type=simple).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "datapath/switch.hpp"

namespace sy::control {

class SwitchService;

// Something the daemon runs beside the control socket for its whole life: the metrics
// endpoint, the Docker network plugin. Those live in other layers (metrics sits below control,
// engines above it), so the daemon knows them only through this interface, and the binary's
// composition root (apps/switchyard) decides from its options which ones to make. The daemon
// makes them once the configuration is restored and the control socket listens, and destroys
// them (in reverse order) before it closes the socket and stops the switch.
class DaemonAddon {
  public:
    virtual ~DaemonAddon() = default;
};

// Makes one addon, or says why it cannot start (the daemon then stops, exit code 1).
using AddonFactory =
    std::function<Result<std::unique_ptr<DaemonAddon>>(datapath::Switch&, SwitchService&)>;

// Keeps any object alive as an addon.
template <typename T>
std::unique_ptr<DaemonAddon> hold_as_addon(std::unique_ptr<T> object) {
    struct Holder : DaemonAddon {
        explicit Holder(std::unique_ptr<T> o) : held(std::move(o)) {}
        std::unique_ptr<T> held;
    };
    return std::make_unique<Holder>(std::move(object));
}

struct DaemonOptions {
    std::string dir;  // private directory for socket and state; empty: system defaults
    // A corrupt state file normally stops the daemon. With this, it is renamed aside (kept)
    // and the daemon starts with an empty configuration.
    bool move_corrupt_state_aside = false;
    std::vector<AddonFactory> addons;
};

using SwitchFactory = std::function<std::unique_ptr<datapath::Switch>()>;

// Runs until a signal; returns the process exit code (0 clean stop, 1 could not start).
int run_daemon(const DaemonOptions& options, const SwitchFactory& make_switch);

}  // namespace sy::control
