// A tunnel port's options survive a save and a load (what a restarted daemon restores), and
// malformed ones are named with their JSON path.
#include <gtest/gtest.h>

#include "control/config.hpp"
#include "control/tunnel_json.hpp"

namespace sy::control {
namespace {

TEST(ConfigTunnel, RoundTrip) {
    Config c;
    datapath::PortConfig p;
    p.name = "vx0";
    p.kind = datapath::PortKind::vxlan;
    p.tunnel.remotes = {"192.0.2.2", "192.0.2.3"};
    p.tunnel.local = "192.0.2.1";
    p.tunnel.vni = 42;
    p.tunnel.dst_port = 4790;
    p.tunnel.csum = true;
    p.tunnel.ttl = 9;
    p.tunnel.tos_inherit = true;
    p.tunnel.df = true;
    datapath::PortConfig g;
    g.name = "gn0";
    g.kind = datapath::PortKind::geneve;
    g.tunnel.remote_flow = true;
    g.tunnel.key_flow = true;
    c.bridges.push_back({"br0", {{p, std::nullopt}, {g, std::nullopt}}, std::nullopt});
    auto back = config_from_json(to_json(c));
    ASSERT_TRUE(back) << back.status().message();
    const auto& v = back->bridges[0].ports[0].config;
    EXPECT_EQ(v.kind, datapath::PortKind::vxlan);
    EXPECT_EQ(v.tunnel.remotes, p.tunnel.remotes);
    EXPECT_EQ(v.tunnel.local, "192.0.2.1");
    EXPECT_EQ(v.tunnel.vni, 42u);
    EXPECT_EQ(v.tunnel.dst_port, 4790);
    EXPECT_TRUE(v.tunnel.csum && v.tunnel.df && v.tunnel.tos_inherit);
    EXPECT_EQ(v.tunnel.ttl, 9);
    const auto& w = back->bridges[0].ports[1].config;
    EXPECT_EQ(w.kind, datapath::PortKind::geneve);
    EXPECT_TRUE(w.tunnel.remote_flow && w.tunnel.key_flow);
}

TEST(ConfigTunnel, BadOptionsAreNamed) {
    auto doc = nlohmann::json::parse(R"({"version":1,"bridges":[{"name":"br0","ports":[
        {"name":"vx0","kind":"vxlan","tunnel":{"remote":["192.0.2.2"],"key":16777216}}]}]})");
    auto r = config_from_json(doc);
    ASSERT_FALSE(r);
    EXPECT_NE(r.status().message().find("bridges[0].ports[0].tunnel"), std::string::npos)
        << r.status().message();
    auto missing = nlohmann::json::parse(R"({"version":1,"bridges":[{"name":"br0","ports":[
        {"name":"vx0","kind":"vxlan"}]}]})");
    EXPECT_FALSE(config_from_json(missing));
}

TEST(TunnelJson, RejectsUnknownAndMalformedFields) {
    EXPECT_FALSE(tunnel_from_json(nlohmann::json{{"remote", "192.0.2.1"}, {"vni", 1}}));
    EXPECT_FALSE(tunnel_from_json(nlohmann::json{{"remote", {"192.0.2.1", "flow"}}}));
    EXPECT_FALSE(tunnel_from_json(nlohmann::json{{"remote", "192.0.2.1"}, {"ttl", 0}}));
    EXPECT_FALSE(tunnel_from_json(nlohmann::json{{"remote", "192.0.2.1"}, {"tos", "high"}}));
    auto ok =
        tunnel_from_json(nlohmann::json{{"remote", "flow"}, {"key", "flow"}, {"tos", "inherit"}});
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->remote_flow && ok->key_flow && ok->tos_inherit);
}

}  // namespace
}  // namespace sy::control
