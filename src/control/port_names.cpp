#include "control/port_names.hpp"

namespace sy::control {

BridgePortNames::BridgePortNames(const datapath::BridgeInfo& bridge) {
    for (const auto& p : bridge.ports) {
        by_name_[p.config.name] = p.config.ofport;
        by_number_[p.config.ofport] = p.config.name;
    }
}

std::optional<flow::OfPort> BridgePortNames::number_of(std::string_view name) const {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> BridgePortNames::name_of(flow::OfPort number) const {
    auto it = by_number_.find(number);
    if (it == by_number_.end()) return std::nullopt;
    return it->second;
}

}  // namespace sy::control
