#include "control/switch_service.hpp"

#include <gtest/gtest.h>

#include "control/params.hpp"
#include "control/service_fixture.hpp"

namespace sy::control {
namespace {

using testing::FakeHost;
using testing::FakeSwitch;

using testing::port;

using SwitchServiceTest = testing::ServiceTest;

TEST_F(SwitchServiceTest, BridgeLifecycleAndPreciseErrors) {
    ASSERT_TRUE(service.add_bridge("br0"));
    EXPECT_EQ(service.add_bridge("br0").code(), Errc::already_exists);
    EXPECT_EQ(service.add_bridge("").code(), Errc::invalid_argument);
    EXPECT_EQ(service.add_bridge("a-bridge-name-too-long").code(), Errc::invalid_argument);
    EXPECT_EQ(service.del_bridge("nope").code(), Errc::not_found);
    ASSERT_TRUE(service.del_bridge("br0"));
    EXPECT_FALSE(sw.has_bridge("br0"));
    EXPECT_TRUE(service.config().bridges.empty());
}

TEST_F(SwitchServiceTest, AddPortChecksBeforeChanging) {
    host.links = {"veth1", "veth2"};
    ASSERT_TRUE(service.add_bridge("br0"));
    ASSERT_TRUE(service.add_bridge("br1"));
    EXPECT_EQ(service.add_port("nope", port("veth1")).code(), Errc::not_found);
    EXPECT_EQ(service.add_port("br0", port("ghost")).code(), Errc::not_found);
    ASSERT_TRUE(service.add_port("br0", port("veth1")));
    auto dup = service.add_port("br1", port("veth1"));
    EXPECT_EQ(dup.code(), Errc::already_exists);
    EXPECT_NE(dup.message().find("br0"), std::string::npos);
    auto both = port("veth2");
    both.access_vlan = 10;
    both.trunk_vlans = {20};
    EXPECT_EQ(service.add_port("br0", both).code(), Errc::invalid_argument);
    EXPECT_FALSE(sw.has_port("br0", "veth2"));
    ASSERT_EQ(service.config().bridges[0].ports.size(), 1u);
}

TEST_F(SwitchServiceTest, DatapathFailureChangesNothing) {
    host.links = {"veth1"};
    ASSERT_TRUE(service.add_bridge("br0"));
    sw.fail_next = "add_port";
    EXPECT_EQ(service.add_port("br0", port("veth1")).code(), Errc::io_error);
    EXPECT_TRUE(service.config().bridges[0].ports.empty());
}

TEST_F(SwitchServiceTest, DelPort) {
    host.links = {"veth1"};
    ASSERT_TRUE(service.add_bridge("br0"));
    ASSERT_TRUE(service.add_port("br0", port("veth1")));
    EXPECT_EQ(service.del_port("br0", "veth9").code(), Errc::not_found);
    ASSERT_TRUE(service.del_port("br0", "veth1"));
    EXPECT_FALSE(sw.has_port("br0", "veth1"));
    EXPECT_TRUE(service.config().bridges[0].ports.empty());
}

TEST_F(SwitchServiceTest, AttachDerivesNameAndDetachRemovesEverything) {
    ASSERT_TRUE(service.add_bridge("br0"));
    AttachParams a;
    a.bridge = "br0";
    a.container = "web";
    a.address = "10.200.0.1/24";
    a.gateway = "10.200.0.254";
    a.vlan = 10;
    auto name = service.attach(a);
    ASSERT_TRUE(name) << name.status().message();
    EXPECT_EQ(*name, container::derive_host_ifname("br0", "web", "eth0"));
    EXPECT_TRUE(sw.has_port("br0", *name));
    EXPECT_TRUE(host.links.count(*name));
    const auto cfg = service.config();
    ASSERT_TRUE(cfg.bridges[0].ports[0].attachment);
    EXPECT_EQ(cfg.bridges[0].ports[0].config.access_vlan, 10);
    EXPECT_EQ(cfg.bridges[0].ports[0].attachment->address, "10.200.0.1/24");

    EXPECT_EQ(service.attach(a).status().code(), Errc::already_exists);
    auto detached = service.detach("br0", "web", "eth0");
    ASSERT_TRUE(detached) << detached.status().message();
    EXPECT_FALSE(sw.has_port("br0", *name));
    EXPECT_FALSE(host.links.count(*name));
    EXPECT_EQ(service.detach("br0", "web", "eth0").status().code(), Errc::not_found);
}

TEST_F(SwitchServiceTest, AttachValidatesAndRollsBack) {
    ASSERT_TRUE(service.add_bridge("br0"));
    AttachParams a;
    a.bridge = "br0";
    a.container = "web";
    a.address = "10.200.0.1";  // no prefix
    EXPECT_EQ(service.attach(a).status().code(), Errc::invalid_argument);
    a.address = "10.200.0.1/24";
    a.mac = "01:00:00:00:00:01";
    EXPECT_EQ(service.attach(a).status().code(), Errc::invalid_argument);
    a.mac.reset();
    a.port_name = "this-name-is-too-long";
    EXPECT_EQ(service.attach(a).status().code(), Errc::invalid_argument);
    a.port_name.reset();
    host.fail_attach = true;
    EXPECT_EQ(service.attach(a).status().code(), Errc::not_found);
    host.fail_attach = false;
    sw.fail_next = "add_port";  // veth created, switch refuses: the veth must go again
    EXPECT_FALSE(service.attach(a));
    EXPECT_TRUE(host.links.empty());
    EXPECT_TRUE(service.config().bridges[0].ports.empty());
    a.bridge = "nope";
    EXPECT_EQ(service.attach(a).status().code(), Errc::not_found);
}

TEST_F(SwitchServiceTest, DelBridgeRemovesPortsAndOurVeths) {
    host.links = {"veth1"};
    ASSERT_TRUE(service.add_bridge("br0"));
    ASSERT_TRUE(service.add_port("br0", port("veth1")));
    AttachParams a;
    a.bridge = "br0";
    a.container = "db";
    a.address = "10.200.0.2/24";
    auto name = service.attach(a);
    ASSERT_TRUE(name);
    ASSERT_TRUE(service.del_bridge("br0"));
    EXPECT_FALSE(sw.has_bridge("br0"));
    EXPECT_TRUE(host.links.count("veth1"));  // not ours: left alone
    EXPECT_FALSE(host.links.count(*name));   // ours: removed
}

TEST(SwitchServiceRestore, RestoresWhatExistsAndReportsTheRest) {
    FakeSwitch sw;
    FakeHost host;
    host.links = {"veth1"};
    Config config;
    Attachment gone{"old", "/run/netns/old", "eth0", "10.200.0.3/24", {}, {}, {}};
    config.bridges.push_back(
        {"br0", {{port("veth1"), std::nullopt}, {port("syold"), gone}}, std::nullopt});
    SwitchService service(sw, StateStore(""), host.links_api(), config);
    auto report = service.restore();
    ASSERT_EQ(report.size(), 1u);
    EXPECT_NE(report[0].find("syold"), std::string::npos);
    EXPECT_NE(report[0].find("old"), std::string::npos);
    EXPECT_TRUE(sw.has_port("br0", "veth1"));
    EXPECT_FALSE(sw.has_port("br0", "syold"));
    auto shown = service.show();
    ASSERT_EQ(shown["missing"].size(), 1u);
    EXPECT_EQ(shown["bridges"][0]["ports"][1]["status"], "missing");
    EXPECT_EQ(shown["bridges"][0]["ports"][0]["status"], "up");
    // A missing port can still be deleted (from the configuration).
    ASSERT_TRUE(service.del_port("br0", "syold"));
    EXPECT_TRUE(service.show()["missing"].empty());
}

TEST_F(SwitchServiceTest, ViewsAndCapture) {
    host.links = {"veth1"};
    ASSERT_TRUE(service.add_bridge("br0"));
    ASSERT_TRUE(service.add_port("br0", port("veth1")));
    auto stats = service.stats();
    EXPECT_EQ(stats["bridges"][0]["ports"][0]["rx_packets"], 7);
    auto fdb = service.fdb("br0");
    ASSERT_TRUE(fdb);
    EXPECT_EQ((*fdb)["entries"][0]["mac"], "02:00:00:00:00:01");
    EXPECT_EQ(service.fdb("nope").status().code(), Errc::not_found);
    EXPECT_EQ(
        service.start_capture("br0", "nope", datapath::CaptureDirection::both, "/tmp/x").code(),
        Errc::not_found);
    ASSERT_TRUE(service.start_capture("br0", "veth1", datapath::CaptureDirection::in, "/tmp/x"));
    ASSERT_TRUE(service.stop_capture("br0", "veth1"));
}

TEST_F(SwitchServiceTest, InterfacesThatCannotBePortsOrAreClaimedAreRefused) {
    host.links = {"lo", "veth1", "veth2"};
    host.refused = {"lo"};
    host.claimed_elsewhere = {"veth2"};
    ASSERT_TRUE(service.add_bridge("br0"));
    EXPECT_EQ(service.add_port("br0", port("lo")).code(), Errc::invalid_argument);
    const Status claimed = service.add_port("br0", port("veth2"));
    EXPECT_EQ(claimed.code(), Errc::already_exists);
    EXPECT_NE(claimed.message().find("another switchyard daemon"), std::string::npos);
    EXPECT_FALSE(sw.has_port("br0", "lo"));
    EXPECT_FALSE(sw.has_port("br0", "veth2"));
    EXPECT_TRUE(service.config().bridges[0].ports.empty());
    // A TAP port makes its own device: no host interface to check or claim.
    auto tap = port("tap9");
    tap.kind = datapath::PortKind::tap;
    EXPECT_TRUE(service.add_port("br0", tap));
    ASSERT_TRUE(service.add_port("br0", port("veth1")));
}

TEST_F(SwitchServiceTest, RestoreLeavesPortsClaimedByAnotherDaemonMissing) {
    Config saved;
    saved.bridges.push_back(BridgeRecord{
        "br0",
        {PortRecord{port("veth1"), std::nullopt, {}}, PortRecord{port("veth2"), std::nullopt, {}}},
        std::nullopt});
    host.links = {"veth1", "veth2"};
    host.claimed_elsewhere = {"veth2"};
    SwitchService restoring{sw, StateStore(""), host.links_api(), saved};
    const auto report = restoring.restore();
    ASSERT_EQ(report.size(), 1u);
    EXPECT_NE(report[0].find("veth2"), std::string::npos) << report[0];
    EXPECT_NE(report[0].find("another switchyard daemon"), std::string::npos) << report[0];
    EXPECT_TRUE(sw.has_port("br0", "veth1"));
    EXPECT_FALSE(sw.has_port("br0", "veth2"));
}

TEST_F(SwitchServiceTest, ReattachKeepsTheMacAndAnnouncesIt) {
    ASSERT_TRUE(service.add_bridge("br0"));
    AttachParams a;
    a.bridge = "br0";
    a.container = "web";
    a.address = "10.200.0.1/24";
    ASSERT_TRUE(service.attach(a));
    ASSERT_EQ(host.attached.size(), 1u);
    ASSERT_TRUE(host.attached[0].mac) << "no MAC chosen: the kernel would pick a random one";
    const std::string first = host.attached[0].mac->to_string();
    ASSERT_TRUE(service.detach("br0", "web", "eth0"));
    ASSERT_TRUE(service.attach(a));
    ASSERT_EQ(host.attached.size(), 2u);
    EXPECT_EQ(host.attached[1].mac->to_string(), first);
    EXPECT_EQ(service.config().bridges[0].ports[0].attachment->mac, first);
    ASSERT_EQ(host.announced.size(), 2u);
    EXPECT_EQ(host.announced[1].mac->to_string(), first);
    // --mac wins over the derived one.
    ASSERT_TRUE(service.detach("br0", "web", "eth0"));
    a.mac = "06:00:00:00:00:01";
    ASSERT_TRUE(service.attach(a));
    EXPECT_EQ(host.attached.back().mac->to_string(), "06:00:00:00:00:01");
}

TEST_F(SwitchServiceTest, AttachRefusesAddressesNoInterfaceCanOwn) {
    ASSERT_TRUE(service.add_bridge("br0"));
    AttachParams a;
    a.bridge = "br0";
    a.container = "web";
    for (const char* bad : {"10.231.0.0/24", "0.0.0.0/0", "10.231.0.255/24"}) {
        a.address = bad;
        EXPECT_EQ(service.attach(a).status().code(), Errc::invalid_argument) << bad;
    }
    a.address = "10.231.0.1/24";
    a.extra_addresses = {"::/0"};
    EXPECT_EQ(service.attach(a).status().code(), Errc::invalid_argument);
    EXPECT_TRUE(host.attached.empty());
    EXPECT_TRUE(service.config().bridges[0].ports.empty());
}

TEST(VlanList, StrictLikeTheCommandLineSaysIt) {
    auto ok = parse_vlan_list("10,20,4094");
    ASSERT_TRUE(ok) << ok.status().message();
    EXPECT_EQ(*ok, (std::vector<std::uint16_t>{10, 20, 4094}));
    for (const char* bad : {"", "10,,20", "10,", ",10", "10,10", "0", "4095", "1o", "10 ,20"}) {
        EXPECT_FALSE(parse_vlan_list(bad)) << bad;
    }
    EXPECT_FALSE(check_vlan_list({}));
    EXPECT_FALSE(check_vlan_list({7, 7}));
    EXPECT_TRUE(check_vlan_list({7, 8}));
}

}  // namespace
}  // namespace sy::control
