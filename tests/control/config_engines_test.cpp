// The configuration's fields for container engines: external_ids on ports, engine state,
// and the attachment's extra addresses and routes survive a save and a load; bad ones are
// named.
#include <gtest/gtest.h>

#include "control/config.hpp"
#include "control/fake_host_links.hpp"
#include "control/fake_switch.hpp"
#include "control/switch_service.hpp"

namespace sy::control {
namespace {

TEST(ConfigEngines, RoundTrip) {
    Config c;
    datapath::PortConfig p;
    p.name = "dk0123456789ab";
    Attachment a{"ctr1",       "/run/netns/cni-1", "eth0",      "10.88.0.5/16",
                 std::nullopt, std::nullopt,       std::nullopt};
    a.extra_addresses = {"fd00::5/64"};
    a.routes = {{"0.0.0.0/0", "10.88.0.1"}, {"10.99.0.0/16", std::nullopt}};
    c.bridges.push_back(
        {"br0", {{p, a, {{"cni.container", "ctr1"}, {"cni.network", "synet"}}}}, std::nullopt});
    c.engines["docker"] = {{"networks", {{"abc", {{"bridge", "br0"}}}}}};
    auto back = config_from_json(to_json(c));
    ASSERT_TRUE(back) << back.status().message();
    const auto& port = back->bridges[0].ports[0];
    EXPECT_EQ(port.external_ids, c.bridges[0].ports[0].external_ids);
    EXPECT_EQ(port.attachment->extra_addresses, a.extra_addresses);
    ASSERT_EQ(port.attachment->routes.size(), 2u);
    EXPECT_EQ(*port.attachment->routes[0].gateway, "10.88.0.1");
    EXPECT_FALSE(port.attachment->routes[1].gateway);
    EXPECT_EQ(back->engines, c.engines);
    // Without engines or external ids nothing new is written (older files stay as they were).
    EXPECT_FALSE(to_json(Config{}).contains("engines"));
}

TEST(ConfigEngines, BadFieldsAreNamed) {
    auto doc = nlohmann::json::parse(R"({"version":1,"bridges":[{"name":"br0","ports":[
        {"name":"p1","external_ids":{"a":1}}]}]})");
    auto r = config_from_json(doc);
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("$.bridges[0].ports[0].external_ids.a"), std::string::npos)
        << r.status().message();
    auto engines = nlohmann::json::parse(R"({"version":1,"bridges":[],"engines":[]})");
    r = config_from_json(engines);
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("$.engines"), std::string::npos);
}

TEST(ConfigEngines, EngineStateIsSavedWithTheChangeItGoesWith) {
    testing::FakeSwitch sw;
    testing::FakeHost host;
    host.links = {"veth1"};
    SwitchService service{sw, StateStore(""), host.links_api(), Config{}};
    ASSERT_TRUE(service.add_bridge("br0", EngineUpdate{"docker", {{"n", 1}}}));
    EXPECT_EQ(service.engine_state("docker"), (nlohmann::json{{"n", 1}}));
    datapath::PortConfig p;
    p.name = "veth1";
    // A port the datapath refuses: neither the port nor the engine's state changes.
    sw.fail_next = "add_port";
    EXPECT_FALSE(
        service.add_port("br0", p, {{"docker.endpoint", "e"}}, EngineUpdate{"docker", {{"n", 2}}}));
    EXPECT_EQ(service.engine_state("docker"), (nlohmann::json{{"n", 1}}));
    ASSERT_TRUE(
        service.add_port("br0", p, {{"docker.endpoint", "e"}}, EngineUpdate{"docker", {{"n", 2}}}));
    EXPECT_EQ(service.engine_state("docker"), (nlohmann::json{{"n", 2}}));
    EXPECT_EQ(service.config().bridges[0].ports[0].external_ids.at("docker.endpoint"), "e");
    EXPECT_EQ(service.show()["bridges"][0]["ports"][0]["external_ids"]["docker.endpoint"], "e");
    EXPECT_EQ(service.engine_state("nobody"), nlohmann::json::object());
}

}  // namespace
}  // namespace sy::control
