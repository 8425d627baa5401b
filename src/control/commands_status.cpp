// show, stats, fdb
#include "control/commands.hpp"
#include "control/params.hpp"

namespace sy::control {

using nlohmann::json;

void register_status_commands(CommandRegistry& registry, SwitchService& service) {
    registry.add("show", "bridges, ports, attachments and ports that could not be restored",
                 [&service](const json&, Session&) -> Result<json> { return service.show(); });
    registry.add("stats", "per-port counters",
                 [&service](const json&, Session&) -> Result<json> { return service.stats(); });
    registry.add("fdb", "learned MAC addresses of {bridge}",
                 [&service](const json& params, Session&) -> Result<json> {
                     auto bridge = Params(params).required_string("bridge");
                     if (!bridge) return bridge.status();
                     return service.fdb(*bridge);
                 });
}

}  // namespace sy::control
