// OpenFlow settings in the control plane: controller targets and fail modes are checked,
// persisted and survive a save and a load; bad input is named and changes nothing.
#include <gtest/gtest.h>

#include "control/config.hpp"
#include "control/fake_host_links.hpp"
#include "control/fake_switch.hpp"
#include "control/switch_service.hpp"

namespace sy::control {
namespace {

TEST(SwitchServiceOpenFlow, ControllersAndFailModeAreCheckedAndKept) {
    testing::FakeSwitch sw;
    testing::FakeHost host;
    SwitchService service{sw, StateStore(""), host.links_api(), Config{}};
    ASSERT_TRUE(service.add_bridge("br0"));
    ASSERT_TRUE(service.set_controllers("br0", {"tcp:127.0.0.1:6653", "punix:/tmp/c.sock"}));
    ASSERT_TRUE(service.set_fail_mode("br0", "secure"));
    EXPECT_EQ(service.config().bridges[0].controllers.size(), 2u);
    EXPECT_EQ(service.config().bridges[0].fail_mode, "secure");

    const Status bad = service.set_controllers("br0", {"tcp:127.0.0.1", "ssl:1.2.3.4"});
    EXPECT_EQ(bad.code(), Errc::invalid_argument);
    EXPECT_NE(bad.message().find("ssl:1.2.3.4"), std::string::npos) << bad.message();
    EXPECT_EQ(service.set_fail_mode("br0", "open").code(), Errc::invalid_argument);
    EXPECT_EQ(service.set_controllers("nope", {}).code(), Errc::not_found);
    EXPECT_EQ(service.config().bridges[0].controllers.size(), 2u)
        << "a refused change kept nothing";
    EXPECT_EQ(service.config().bridges[0].fail_mode, "secure");

    auto back = config_from_json(to_json(service.config()));
    ASSERT_TRUE(back) << back.status().message();
    EXPECT_EQ(back->bridges[0].controllers, service.config().bridges[0].controllers);
    EXPECT_EQ(back->bridges[0].fail_mode, "secure");

    ASSERT_TRUE(service.set_controllers("br0", {}));  // del-controller
    ASSERT_TRUE(service.set_fail_mode("br0", "standalone"));
    // Defaults are not written, so files of older versions stay as they were.
    const auto doc = to_json(service.config());
    EXPECT_FALSE(doc["bridges"][0].contains("controllers"));
    EXPECT_FALSE(doc["bridges"][0].contains("fail_mode"));

    auto wrong = nlohmann::json::parse(R"({"version":1,"bridges":[{"name":"br0","ports":[],
        "fail_mode":"open"}]})");
    auto refused = config_from_json(wrong);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.status().message().find("fail_mode"), std::string::npos)
        << refused.status().message();
}

}  // namespace
}  // namespace sy::control
