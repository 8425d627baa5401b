#pragma once
// The control protocol's methods, one registration function per family (one file each).
// docs/cli.md lists the methods and their params.

#include "control/command_registry.hpp"
#include "control/switch_service.hpp"

namespace sy::control {

void register_bridge_commands(CommandRegistry& registry, SwitchService& service);
void register_port_commands(CommandRegistry& registry, SwitchService& service);
void register_container_commands(CommandRegistry& registry, SwitchService& service);
void register_status_commands(CommandRegistry& registry, SwitchService& service);
void register_capture_commands(CommandRegistry& registry, SwitchService& service);
void register_flow_commands(CommandRegistry& registry, SwitchService& service);
void register_openflow_commands(CommandRegistry& registry, SwitchService& service);

// All of the above.
void register_all_commands(CommandRegistry& registry, SwitchService& service);

}  // namespace sy::control
