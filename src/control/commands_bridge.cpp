// bridge.add, bridge.del
#include "control/commands.hpp"
#include "control/params.hpp"

namespace sy::control {

using nlohmann::json;

void register_bridge_commands(CommandRegistry& registry, SwitchService& service) {
    registry.add("bridge.add", "add a bridge {bridge}",
                 [&service](const json& params, Session&) -> Result<json> {
                     auto bridge = Params(params).required_string("bridge");
                     if (!bridge) return bridge.status();
                     if (Status s = service.add_bridge(*bridge); !s) return s;
                     return json{{"bridge", *bridge}};
                 });
    registry.add("bridge.del", "delete a bridge {bridge} and its ports",
                 [&service](const json& params, Session&) -> Result<json> {
                     auto bridge = Params(params).required_string("bridge");
                     if (!bridge) return bridge.status();
                     if (Status s = service.del_bridge(*bridge); !s) return s;
                     return json{{"bridge", *bridge}};
                 });
}

void register_all_commands(CommandRegistry& registry, SwitchService& service) {
    register_bridge_commands(registry, service);
    register_port_commands(registry, service);
    register_container_commands(registry, service);
    register_status_commands(registry, service);
    register_capture_commands(registry, service);
    register_flow_commands(registry, service);
    register_openflow_commands(registry, service);
}

}  // namespace sy::control
