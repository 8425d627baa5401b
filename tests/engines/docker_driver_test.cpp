#include <gtest/gtest.h>

#include "control/fake_host_links.hpp"
#include "control/fake_switch.hpp"
#include "control/log.hpp"
#include "engines/docker/network_driver.hpp"

namespace sy::engines::docker {
namespace {

using control::testing::FakeHost;
using control::testing::FakeSwitch;
using nlohmann::json;

const std::string kNet = std::string(64, 'a');
const std::string kNet2 = std::string(64, 'c');
const std::string kEp = "b1" + std::string(62, '0');
const std::string kEp2 = "b2" + std::string(62, '0');

class DockerDriverTest : public ::testing::Test {
  protected:
    void SetUp() override { control::g_log_enabled = false; }
    FakeSwitch sw;
    FakeHost host;
    control::SwitchService service{sw, control::StateStore(""), host.links_api(),
                                   control::Config{}};
    std::vector<container::HostVethRequest> made;
    VethOps veths{[this](const container::HostVethRequest& r) {
                      if (host.links.count(r.name)) return Status(Errc::already_exists, "exists");
                      host.links.insert(r.name);
                      host.links.insert(r.peer_name);
                      made.push_back(r);
                      return Status::ok();
                  },
                  [this](const std::string& name) {
                      if (!host.links.erase(name)) return Status(Errc::not_found, "gone");
                      // the peer goes with it
                      if (name.rfind("dk", 0) == 0) host.links.erase("dc" + name.substr(2));
                      return Status::ok();
                  }};
    std::unique_ptr<NetworkDriver> driver = std::move(*NetworkDriver::create(service, veths));

    json call(const std::string& method, const json& body) {
        auto answer = driver->call(method, body.dump());
        EXPECT_EQ(answer.http_status, 200) << method;
        return answer.body;
    }
    json create_network(const std::string& id, json generic = json::object()) {
        return call("NetworkDriver.CreateNetwork",
                    {{"NetworkID", id},
                     {"Options", {{"com.docker.network.generic", generic}}},
                     {"IPv4Data", {{{"Pool", "10.9.0.0/24"}, {"Gateway", "10.9.0.1/24"}}}},
                     {"IPv6Data", json::array()}});
    }
    json create_endpoint(const std::string& net, const std::string& ep, const std::string& ip,
                         const std::string& mac = "") {
        return call("NetworkDriver.CreateEndpoint",
                    {{"NetworkID", net},
                     {"EndpointID", ep},
                     {"Interface", {{"Address", ip}, {"AddressIPv6", ""}, {"MacAddress", mac}}}});
    }
    json join(const std::string& net, const std::string& ep) {
        return call(
            "NetworkDriver.Join",
            {{"NetworkID", net}, {"EndpointID", ep}, {"SandboxKey", "/x"}, {"Options", {}}});
    }
    std::size_t ports(const std::string& bridge) {
        auto c = service.config();
        auto* b = c.find_bridge(bridge);
        return b ? b->ports.size() : 0;
    }
};

TEST_F(DockerDriverTest, HandshakeAndCapabilities) {
    EXPECT_EQ(call("Plugin.Activate", json::object()), (json{{"Implements", {"NetworkDriver"}}}));
    EXPECT_EQ(call("NetworkDriver.GetCapabilities", json::object())["Scope"], "local");
    EXPECT_EQ(driver->call("NetworkDriver.Nope", "{}").http_status, 404);
    EXPECT_EQ(driver->call("NetworkDriver.Join", "{not json").http_status, 400);
}

TEST_F(DockerDriverTest, NetworkMakesABridgeAndRemovesIt) {
    EXPECT_EQ(create_network(kNet), json::object());
    const std::string bridge = "dk-" + kNet.substr(0, 12);
    EXPECT_TRUE(sw.has_bridge(bridge));
    EXPECT_EQ(create_network(kNet), json::object());  // a retry changes nothing
    EXPECT_EQ(service.config().bridges.size(), 1u);
    EXPECT_EQ(call("NetworkDriver.DeleteNetwork", {{"NetworkID", kNet}}), json::object());
    EXPECT_FALSE(sw.has_bridge(bridge));
    EXPECT_EQ(call("NetworkDriver.DeleteNetwork", {{"NetworkID", kNet}}), json::object());
}

TEST_F(DockerDriverTest, AnExistingBridgeIsUsedAndKept) {
    ASSERT_TRUE(service.add_bridge("br0"));
    create_network(kNet, {{"switchyard.bridge", "br0"}});
    create_network(kNet2, {{"switchyard.bridge", "br0"}});
    EXPECT_EQ(service.config().bridges.size(), 1u);
    call("NetworkDriver.DeleteNetwork", {{"NetworkID", kNet}});
    call("NetworkDriver.DeleteNetwork", {{"NetworkID", kNet2}});
    EXPECT_TRUE(sw.has_bridge("br0"));
}

TEST_F(DockerDriverTest, BadOptionsAreRefusedPrecisely) {
    for (auto [key, value, text] :
         {std::tuple{"switchyard.vlan", "5000", "expected a VLAN id in 1..4094"},
          {"switchyard.bridge", "a-name-much-too-long", "switchyard.bridge=a-name-much-too-long"},
          {"switchyard.default-route", "yes", "expected true or false"},
          {"com.docker.network.driver.mtu", "9", "expected an MTU"},
          {"switchyard.colour", "red", "unknown option -o switchyard.colour"}}) {
        auto answer = create_network(kNet, {{key, value}});
        ASSERT_TRUE(answer.contains("Err")) << key;
        EXPECT_NE(answer["Err"].get<std::string>().find(text), std::string::npos) << answer;
    }
    EXPECT_TRUE(service.config().bridges.empty());
    EXPECT_TRUE(driver->state().networks.empty());
    auto answer = call("NetworkDriver.CreateNetwork", {{"NetworkID", "not-hex"}});
    EXPECT_NE(answer.value("Err", "").find("not a Docker ID"), std::string::npos) << answer;
}

TEST_F(DockerDriverTest, EndpointLifecycle) {
    create_network(kNet, {{"switchyard.vlan", "7"}, {"com.docker.network.driver.mtu", "1400"}});
    const std::string bridge = "dk-" + kNet.substr(0, 12);
    // Docker chose no MAC: ours is derived from the address.
    EXPECT_EQ(create_endpoint(kNet, kEp, "10.9.0.2/24"),
              (json{{"Interface", {{"MacAddress", "02:53:0a:09:00:02"}}}}));
    // Docker chose one: the answer must not repeat it.
    EXPECT_EQ(create_endpoint(kNet, kEp2, "10.9.0.3/24", "02:11:22:33:44:55"),
              (json{{"Interface", json::object()}}));
    auto joined = join(kNet, kEp);
    EXPECT_EQ(joined["InterfaceName"]["SrcName"], "dc" + kEp.substr(0, 12));
    EXPECT_EQ(joined["InterfaceName"]["DstPrefix"], "eth");
    EXPECT_EQ(joined["DisableGatewayService"], true);
    EXPECT_FALSE(joined.contains("Gateway"));
    ASSERT_EQ(made.size(), 1u);
    EXPECT_EQ(made[0].peer_mac->to_string(), "02:53:0a:09:00:02");
    EXPECT_EQ(*made[0].mtu, 1400u);
    EXPECT_TRUE(sw.has_port(bridge, "dk" + kEp.substr(0, 12)));
    auto config = service.config();
    const auto& record = config.bridges[0].ports[0];
    EXPECT_EQ(record.config.access_vlan, 7);
    EXPECT_EQ(record.config.offload, datapath::OffloadMode::vnet_hdr);
    EXPECT_EQ(record.external_ids.at("docker.endpoint"), kEp);
    EXPECT_EQ(call("NetworkDriver.EndpointOperInfo",
                   {{"NetworkID", kNet}, {"EndpointID", kEp}})["Value"]["joined"],
              true);

    EXPECT_EQ(call("NetworkDriver.Leave", {{"NetworkID", kNet}, {"EndpointID", kEp}}),
              json::object());
    EXPECT_EQ(ports(bridge), 0u);
    EXPECT_EQ(call("NetworkDriver.DeleteEndpoint", {{"NetworkID", kNet}, {"EndpointID", kEp}}),
              json::object());
    EXPECT_FALSE(host.links.count("dk" + kEp.substr(0, 12)));
    EXPECT_FALSE(driver->state().endpoints.count(kEp));
    // Idempotent.
    EXPECT_EQ(call("NetworkDriver.DeleteEndpoint", {{"NetworkID", kNet}, {"EndpointID", kEp}}),
              json::object());
    EXPECT_TRUE(join(kNet, kEp).contains("Err"));
}

TEST_F(DockerDriverTest, DefaultRouteOnRequest) {
    create_network(kNet, {{"switchyard.default-route", "true"}});
    create_endpoint(kNet, kEp, "10.9.0.2/24");
    EXPECT_EQ(join(kNet, kEp)["Gateway"], "10.9.0.1");
}

TEST_F(DockerDriverTest, AJoinThatCannotAddItsPortLeavesNoVeth) {
    create_network(kNet);
    create_endpoint(kNet, kEp, "10.9.0.2/24");
    sw.fail_next = "add_port";
    EXPECT_TRUE(join(kNet, kEp).contains("Err"));
    EXPECT_FALSE(host.links.count("dk" + kEp.substr(0, 12)));
}

TEST_F(DockerDriverTest, ARestartedDaemonRemembersNetworksAndEndpoints) {
    create_network(kNet);
    create_endpoint(kNet, kEp, "10.9.0.2/24");
    join(kNet, kEp);
    auto again = NetworkDriver::create(service, veths);
    ASSERT_TRUE(again);
    EXPECT_EQ((*again)->state().networks.size(), 1u);
    EXPECT_EQ((*again)->state().endpoints.at(kEp).mac, "02:53:0a:09:00:02");
    // Saved in the configuration the state store writes.
    auto doc = control::to_json(service.config());
    EXPECT_TRUE(doc["engines"]["docker"]["endpoints"].contains(kEp)) << doc;
}

TEST_F(DockerDriverTest, ReconcileRemovesDeadPortsAndMakesMissingBridges) {
    create_network(kNet);
    const std::string bridge = "dk-" + kNet.substr(0, 12);
    create_endpoint(kNet, kEp, "10.9.0.2/24");
    create_endpoint(kNet, kEp2, "10.9.0.3/24");
    join(kNet, kEp);
    join(kNet, kEp2);
    // kEp's container died with its namespace: its veth is gone, Docker said nothing.
    host.links.erase("dk" + kEp.substr(0, 12));
    // A port marked with an endpoint the driver never had.
    host.links.insert("dkffffffffffff");
    datapath::PortConfig stray;
    stray.name = "dkffffffffffff";
    ASSERT_TRUE(service.add_port(bridge, stray, {{"docker.endpoint", std::string(64, 'f')}}));
    driver->reconcile();
    EXPECT_EQ(ports(bridge), 1u);
    EXPECT_TRUE(sw.has_port(bridge, "dk" + kEp2.substr(0, 12)));
    EXPECT_FALSE(driver->state().endpoints.count(kEp));
    EXPECT_FALSE(host.links.count("dkffffffffffff"));

    // Someone deleted the bridge under Docker's network: it comes back.
    ASSERT_TRUE(service.del_bridge(bridge));
    driver->reconcile();
    EXPECT_TRUE(sw.has_bridge(bridge));
}

}  // namespace
}  // namespace sy::engines::docker
