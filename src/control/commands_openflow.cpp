// openflow.set_controller, openflow.set_fail_mode
#include "control/commands.hpp"
#include "control/params.hpp"

namespace sy::control {

using nlohmann::json;

void register_openflow_commands(CommandRegistry& registry, SwitchService& service) {
    registry.add("openflow.set_controller",
                 "set a bridge's OpenFlow controllers {bridge, targets} (empty: none)",
                 [&service](const json& params, Session&) -> Result<json> {
                     Params p(params);
                     auto bridge = p.required_string("bridge");
                     if (!bridge) return bridge.status();
                     auto targets = p.optional_string_list("targets");
                     if (!targets) return targets.status();
                     if (Status s = service.set_controllers(*bridge, *targets); !s) return s;
                     return json{{"bridge", *bridge}, {"controllers", *targets}};
                 });
    registry.add("openflow.set_fail_mode",
                 "set a bridge's fail mode {bridge, mode: standalone|secure}",
                 [&service](const json& params, Session&) -> Result<json> {
                     Params p(params);
                     auto bridge = p.required_string("bridge");
                     if (!bridge) return bridge.status();
                     auto mode = p.required_string("mode");
                     if (!mode) return mode.status();
                     if (Status s = service.set_fail_mode(*bridge, *mode); !s) return s;
                     return json{{"bridge", *bridge}, {"fail_mode", *mode}};
                 });
}

}  // namespace sy::control
