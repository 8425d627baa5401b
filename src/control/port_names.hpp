#pragma once
// A bridge's port names and OpenFlow numbers, as the flow syntax needs them ("output:web0",
// "in_port=1"), taken from the switch's view of the bridge.

#include <map>
#include <string>

#include "datapath/switch.hpp"
#include "flow/ofport.hpp"

namespace sy::control {

class BridgePortNames final : public flow::PortNamer {
  public:
    BridgePortNames() = default;
    explicit BridgePortNames(const datapath::BridgeInfo& bridge);
    std::optional<flow::OfPort> number_of(std::string_view name) const override;
    std::optional<std::string> name_of(flow::OfPort number) const override;

  private:
    std::map<std::string, flow::OfPort, std::less<>> by_name_;
    std::map<flow::OfPort, std::string> by_number_;
};

}  // namespace sy::control
