#pragma once
// A bridge's port names for the flow syntax tests.
#include <map>
#include <string>

#include "flow/ofport.hpp"

namespace sy::flow::test {

class TestPorts final : public PortNamer {
  public:
    std::optional<OfPort> number_of(std::string_view name) const override {
        for (const auto& [n, s] : names_) {
            if (s == name) return n;
        }
        return std::nullopt;
    }
    std::optional<std::string> name_of(OfPort number) const override {
        auto it = names_.find(number);
        if (it == names_.end()) return std::nullopt;
        return it->second;
    }

  private:
    std::map<OfPort, std::string> names_ = {{1, "web0"}, {2, "web1"}, {3, "db0"}, {7, "veth-a.1"}};
};

}  // namespace sy::flow::test
