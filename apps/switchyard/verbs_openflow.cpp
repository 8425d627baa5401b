// The OpenFlow verbs, as ovs-vsctl spells them: set-controller, del-controller, set-fail-mode
// (docs/openflow.md). The daemon checks and persists them; its OpenFlow agent follows.
#include <memory>

#include "switch_client.hpp"
#include "verbs.hpp"

namespace sy::app {

void add_openflow_verbs(CLI::App& app) {
    struct Args {
        std::string bridge, mode;
        std::vector<std::string> targets;
    };
    auto a = std::make_shared<Args>();

    auto* set = app.add_subcommand(
        "set-controller",
        "connect BRIDGE to OpenFlow controllers: tcp:IP[:PORT], ptcp:PORT[:IP], unix:PATH, "
        "punix:PATH (replaces the list)");
    set->add_option("BRIDGE", a->bridge, "bridge name")->required();
    set->add_option("TARGET", a->targets, "controller targets")->required();
    set->callback([a] {
        (void)call_daemon("openflow.set_controller",
                          {{"bridge", a->bridge}, {"targets", a->targets}});
    });

    auto* del = app.add_subcommand("del-controller", "disconnect BRIDGE from its controllers");
    del->add_option("BRIDGE", a->bridge, "bridge name")->required();
    del->callback([a] {
        (void)call_daemon("openflow.set_controller",
                          {{"bridge", a->bridge}, {"targets", nlohmann::json::array()}});
    });

    auto* mode = app.add_subcommand(
        "set-fail-mode",
        "what BRIDGE does without a controller: standalone (NORMAL) or secure (its flows only)");
    mode->add_option("BRIDGE", a->bridge, "bridge name")->required();
    mode->add_option("MODE", a->mode, "standalone or secure")->required();
    mode->callback([a] {
        (void)call_daemon("openflow.set_fail_mode", {{"bridge", a->bridge}, {"mode", a->mode}});
    });
}

}  // namespace sy::app
