// More poll threads: bridges spread over shards (each its own SwitchCore, driven by hand
// here), every call routed to the bridge's shard, ids unique across shards, packet-ins
// and bad input answered as one switch would.
#include "datapath/sharded_switch.hpp"

#include "datapath/switch_fixture.hpp"
#include "flow/flow_syntax.hpp"

namespace sy::datapath::test {
namespace {

class ShardedSwitchTest : public ::testing::Test {
  protected:
    ShardedSwitchTest() {
        std::vector<std::unique_ptr<Switch>> shards;
        for (int i = 0; i < 2; ++i) {
            SwitchOptions o;
            o.start_poll_thread = false;
            o.log = false;
            o.pool_packets = 128;
            auto core = std::make_unique<SwitchCore>(o);
            cores[i] = core.get();
            shards.push_back(std::move(core));
        }
        sw = std::make_unique<ShardedSwitch>(std::move(shards));
    }
    // A memory port on `bridge`, added on the shard that serves it (what add_port does for
    // a real port through the facade).
    port::MemoryPort* add(int shard, const std::string& bridge, const std::string& name) {
        PortConfig c;
        c.name = name;
        c.kind = PortKind::memory;
        auto io = std::make_unique<port::MemoryPort>(name, memory_port_caps(OffloadMode::vnet_hdr));
        port::MemoryPort* raw = io.get();
        EXPECT_TRUE(cores[shard]->add_port(bridge, c, std::move(io)));
        return raw;
    }
    void run(int shard) {
        while (cores[shard]->run_once() != 0) {
        }
    }
    SwitchCore* cores[2] = {};
    std::unique_ptr<ShardedSwitch> sw;
};

TEST_F(ShardedSwitchTest, BridgesSpreadOverThreadsAndKeepTheirOrderAndUniqueIds) {
    ASSERT_TRUE(sw->add_bridge("br0"));
    ASSERT_TRUE(sw->add_bridge("br1"));
    EXPECT_EQ(sw->add_bridge("br0").code(), Errc::already_exists);
    EXPECT_EQ(sw->poll_threads(), 2u);
    // Each core holds exactly one of them: the second went to the shard with fewer bridges.
    EXPECT_EQ(cores[0]->bridges().size(), 1u);
    EXPECT_EQ(cores[1]->bridges().size(), 1u);
    const auto all = sw->bridges();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "br0");
    EXPECT_EQ(all[1].name, "br1");
    EXPECT_NE(all[0].poll_thread, all[1].poll_thread);
    EXPECT_NE(all[0].id, all[1].id);

    // A third bridge goes where the packets are not: br1's shard forwards traffic first.
    const int busy = static_cast<int>(all[1].poll_thread);
    auto* a = add(busy, "br1", "a");
    add(busy, "br1", "b");
    ASSERT_TRUE(a->inject(broadcast_from(0xA)));
    run(busy);
    ASSERT_TRUE(sw->add_bridge("br2"));
    const auto three = sw->bridges();
    ASSERT_EQ(three.size(), 3u);
    EXPECT_EQ(three[2].name, "br2");
    EXPECT_EQ(three[2].poll_thread, all[0].poll_thread);

    EXPECT_EQ(sw->del_bridge("nope").code(), Errc::not_found);
    ASSERT_TRUE(sw->del_bridge("br0"));
    EXPECT_EQ(sw->bridges().size(), 2u);
    EXPECT_EQ(sw->fdb("br0").status().code(), Errc::not_found);
}

TEST_F(ShardedSwitchTest, CallsReachTheBridgesShard) {
    ASSERT_TRUE(sw->add_bridge("br0"));
    ASSERT_TRUE(sw->add_bridge("br1"));
    flow::NoPortNames names;
    auto mod = flow::parse_flow("priority=7,ip,actions=drop", flow::FlowParseMode::add, names);
    ASSERT_TRUE(mod);
    ASSERT_TRUE(sw->apply_flows("br1", std::span(&*mod, 1)));
    auto f1 = sw->dump_flows("br1", {});
    auto f0 = sw->dump_flows("br0", {});
    ASSERT_TRUE(f1 && f0);
    EXPECT_EQ(f1->size(), 2u);  // the drop flow and the default
    EXPECT_TRUE(flow::only_the_default_flow(*f0));
    EXPECT_EQ(sw->dump_flows("nope", {}).status().code(), Errc::not_found);

    // Learning happens on the bridge's own shard; fdb asks there.
    const int s1 = static_cast<int>(sw->bridges()[1].poll_thread);
    auto* a = add(s1, "br1", "a");
    add(s1, "br1", "b");
    ASSERT_TRUE(a->inject(broadcast_from(0xA)));
    run(s1);
    auto fdb = sw->fdb("br1");
    ASSERT_TRUE(fdb);
    ASSERT_EQ(fdb->size(), 1u);
    EXPECT_EQ((*fdb)[0].port, "a");
}

TEST_F(ShardedSwitchTest, PacketInsCarryTheBridgesGlobalId) {
    ASSERT_TRUE(sw->add_bridge("br0"));
    ASSERT_TRUE(sw->add_bridge("br1"));
    const auto all = sw->bridges();
    const int s1 = static_cast<int>(all[1].poll_thread);
    auto* a = add(s1, "br1", "a");
    add(s1, "br1", "b");
    flow::NoPortNames names;
    auto mod = flow::parse_flow("priority=9,actions=controller", flow::FlowParseMode::add, names);
    ASSERT_TRUE(mod);
    ASSERT_TRUE(sw->apply_flows("br1", std::span(&*mod, 1)));
    ASSERT_TRUE(sw->set_openflow_state("br1", true, false));
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run(s1);
    std::vector<std::uint32_t> ids;
    EXPECT_EQ(sw->take_packet_ins([&](const PacketInRecord& r) { ids.push_back(r.bridge_id); }, 8),
              1u);
    ASSERT_EQ(ids.size(), 1u);
    EXPECT_EQ(ids[0], all[1].id);
}

}  // namespace
}  // namespace sy::datapath::test
