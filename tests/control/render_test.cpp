#include "control/render.hpp"

#include <gtest/gtest.h>

namespace sy::control {
namespace {

using nlohmann::json;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(Render, ShowListsPortsAttachmentsAndMissingOnes) {
    const json show = json::parse(R"({"bridges":[{"name":"br0","ports":[
        {"name":"sy0123456789","status":"up","vlan":10,"offload":"vnet",
         "attachment":{"container":"web","ifname":"eth0","address":"10.200.0.1/24","gateway":"10.200.0.254"}},
        {"name":"veth9","status":"missing","offload":"legacy","trunk":[10,20],
         "reason":"interface veth9 no longer exists"}]}]})");
    const std::string text = render_show(show);
    EXPECT_TRUE(contains(text, "bridge br0")) << text;
    EXPECT_TRUE(contains(text, "vlan 10")) << text;
    EXPECT_TRUE(contains(text, "web eth0 10.200.0.1/24 via 10.200.0.254")) << text;
    EXPECT_TRUE(contains(text, "trunk 10,20")) << text;
    EXPECT_TRUE(contains(text, "offload legacy")) << text;
    EXPECT_TRUE(contains(text, "not restored: interface veth9 no longer exists")) << text;
    EXPECT_EQ(render_show(json::object()), "no bridges\n");
}

TEST(Render, StatsShowCountersDropsAndLabMarks) {
    const json stats = json::parse(R"({"bridges":[{"name":"br0","ports":[
        {"name":"p1","up":false,"rx_packets":5,"rx_bytes":500,"tx_packets":4,"tx_bytes":400,
         "csum_completed_sw":3,"csum_verified_good":2,"csum_verified_bad":1,"csum_pseudo_seed":1,
         "gso_passed":6,"gso_segmented":7,"segments_out":8,"gso_resized":3,"unsafe_marked":9,
         "drops":{"mtu_exceeded":2}}]}]})");
    const std::string text = render_stats(stats);
    EXPECT_TRUE(contains(text, "port p1 (down)")) << text;
    EXPECT_TRUE(contains(text, "rx 5 packets 500 bytes")) << text;
    EXPECT_TRUE(contains(text, "verified bad 1 (pseudo-header only 1)")) << text;
    EXPECT_TRUE(contains(text, "segmented 7 into 8 segments")) << text;
    EXPECT_TRUE(contains(text, "re-sized to the port's MTU 3")) << text;
    EXPECT_TRUE(contains(text, "UNSAFE")) << text;
    EXPECT_TRUE(contains(text, "drops: mtu_exceeded 2")) << text;
}

TEST(Render, StatsShowTheFlowCacheOnlyWhenItClassifiedSomething) {
    const json used = json::parse(R"({"bridges":[{"name":"br0","ports":[],"flow_cache":
        {"signature_hits":70,"exact_hits":20,"megaflow_hits":9,"misses":1,"uncacheable":0,
         "megaflows":2,"masks":1,"evictions":0,"invalidations":3}}]})");
    const std::string text = render_stats(used);
    EXPECT_TRUE(contains(text,
                         "flow cache: 99 packets found (70 by header signature, 20 exact "
                         "match, 9 megaflow), 1 translated"))
        << text;
    EXPECT_TRUE(contains(text, "2 megaflows over 1 masks")) << text;
    const json idle = json::parse(R"({"bridges":[{"name":"br0","ports":[],"flow_cache":
        {"signature_hits":0,"exact_hits":0,"megaflow_hits":0,"misses":0}}]})");
    EXPECT_FALSE(contains(render_stats(idle), "flow cache")) << render_stats(idle);
}

TEST(Render, FdbTable) {
    const json fdb =
        json::parse(R"({"entries":[{"mac":"02:00:00:00:00:01","vlan":10,"port":"p1","age":3}]})");
    const std::string text = render_fdb(fdb);
    EXPECT_TRUE(contains(text, "02:00:00:00:00:01")) << text;
    EXPECT_TRUE(contains(text, "p1")) << text;
}

}  // namespace
}  // namespace sy::control
