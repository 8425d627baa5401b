#include "metrics/switch_flow_stats.hpp"

#include <gtest/gtest.h>

#include "datapath/switch_core.hpp"
#include "flow/flow_syntax.hpp"

namespace sy::metrics {
namespace {

datapath::SwitchOptions quiet() {
    datapath::SwitchOptions o;
    o.start_poll_thread = false;
    o.log = false;
    return o;
}

TEST(SwitchFlowStats, OnlyBridgesWithFlowsOfTheirOwn) {
    datapath::SwitchCore sw(quiet());
    ASSERT_TRUE(sw.add_bridge("plain"));
    ASSERT_TRUE(sw.add_bridge("acl"));
    auto mods = flow::parse_flow_file("priority=0,actions=NORMAL\npriority=100,ip,nw_dst=10.0.0.2,"
                                      "actions=drop\n",
                                      flow::FlowFileMode::replace_flows, flow::NoPortNames{});
    ASSERT_TRUE(mods) << mods.status().message();
    ASSERT_TRUE(sw.replace_flows("acl", *mods));
    const auto source = flow_stats_of(sw);
    auto got = source();
    ASSERT_EQ(got.size(), 2u);
    for (const auto& f : got) EXPECT_EQ(f.bridge, "acl");
    bool acl = false;
    for (const auto& f : got) {
        if (f.priority == 100) {
            acl = true;
            EXPECT_EQ(f.match, "ip,nw_dst=10.0.0.2");
        }
    }
    EXPECT_TRUE(acl);
    ASSERT_TRUE(sw.del_bridge("acl"));
    EXPECT_TRUE(source().empty());
}

}  // namespace
}  // namespace sy::metrics
