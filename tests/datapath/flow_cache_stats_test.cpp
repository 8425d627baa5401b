// What `stats` and the metrics report about a bridge's flow cache: every packet the tables
// classified is counted once, at the level that answered, and a bridge with only the default
// flow (which classifies nothing) reports zeros.
#include "datapath/switch_fixture.hpp"

#include "flow/flow_syntax.hpp"

namespace sy::datapath::test {
namespace {

std::uint64_t found(const flow::FlowCacheStats& c) {
    return c.signature_hits + c.emc_hits + c.megaflow_hits;
}

class FlowCacheStatsTest : public SwitchTest {
  protected:
    flow::FlowCacheStats cache_stats() { return sw->bridges().at(0).flow_cache; }
};

TEST_F(FlowCacheStatsTest, EveryClassifiedPacketIsCountedOnceAtTheLevelThatAnswered) {
    auto* a = add("a");
    add("b");
    flow::NoPortNames names;
    std::vector<flow::FlowMod> mods;
    for (const char* text :
         {"priority=10,udp,tp_dst=53,actions=drop", "priority=0,actions=NORMAL"}) {
        auto mod = flow::parse_flow(text, flow::FlowParseMode::add, names);
        ASSERT_TRUE(mod) << mod.status().message();
        mods.push_back(*mod);
    }
    ASSERT_TRUE(sw->apply_flows("br0", mods));
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
        run();
    }
    const flow::FlowCacheStats c = cache_stats();
    EXPECT_EQ(found(c) + c.misses, 20u);
    EXPECT_GE(c.misses, 1u);  // the first packet was translated
    EXPECT_GE(c.megaflows, 1u);
    EXPECT_GE(c.masks, 1u);
}

TEST_F(FlowCacheStatsTest, TheDefaultFlowClassifiesNothing) {
    auto* a = add("a");
    add("b");
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
        run();
    }
    const flow::FlowCacheStats c = cache_stats();
    EXPECT_EQ(found(c) + c.misses, 0u);
    EXPECT_EQ(c.megaflows, 0u);
}

}  // namespace
}  // namespace sy::datapath::test
