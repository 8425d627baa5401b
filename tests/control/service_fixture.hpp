#pragma once
// What the SwitchService tests share: a service over a fake switch and fake host links, with
// no state file, and the port configuration of a plain port by name.
#include <gtest/gtest.h>

#include <string>

#include "control/fake_host_links.hpp"
#include "control/fake_switch.hpp"
#include "control/switch_service.hpp"

namespace sy::control::testing {

inline datapath::PortConfig port(const std::string& name) {
    datapath::PortConfig p;
    p.name = name;
    return p;
}

class ServiceTest : public ::testing::Test {
  protected:
    FakeSwitch sw;
    FakeHost host;
    SwitchService service{sw, StateStore(""), host.links_api(), Config{}};
};

}  // namespace sy::control::testing
