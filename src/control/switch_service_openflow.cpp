// SwitchService's OpenFlow settings: controller targets and fail mode, checked and persisted;
// the OpenFlow agent follows the persisted configuration (docs/openflow.md).
#include <fmt/core.h>

#include "control/switch_service.hpp"
#include "openflow/target.hpp"

namespace sy::control {

Status SwitchService::set_controllers(const std::string& bridge,
                                      const std::vector<std::string>& targets) {
    std::lock_guard lock(mutex_);
    for (const std::string& t : targets) {
        if (auto parsed = openflow::parse_target(t); !parsed) return parsed.status();
    }
    Config next = config_;
    BridgeRecord* rec = next.find_bridge(bridge);
    if (!rec) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    rec->controllers = targets;
    return persist(std::move(next));
}

Status SwitchService::set_fail_mode(const std::string& bridge, const std::string& mode) {
    std::lock_guard lock(mutex_);
    if (mode != "standalone" && mode != "secure")
        return Status(Errc::invalid_argument,
                      fmt::format("fail mode '{}': expected standalone or secure", mode));
    Config next = config_;
    BridgeRecord* rec = next.find_bridge(bridge);
    if (!rec) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    rec->fail_mode = mode;
    return persist(std::move(next));
}

}  // namespace sy::control
