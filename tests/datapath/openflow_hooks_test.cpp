// The datapath's OpenFlow hooks: CONTROLLER ops hand packets to the agent's queue (or count
// why not), fail-open makes a bridge with flows the plain learning bridge, packet-out sends
// frames through actions, and timed-out flows that asked for it are reported.
#include "datapath/switch_fixture.hpp"

#include <cstring>

#include "flow/flow_syntax.hpp"

namespace sy::datapath::test {
namespace {

flow::FlowMod parse(const std::string& text) {
    flow::NoPortNames names;
    auto mod = flow::parse_flow(text, flow::FlowParseMode::add, names);
    EXPECT_TRUE(mod) << mod.status().message();
    return *mod;
}

class OpenFlowHooks : public SwitchTest {
  protected:
    void flows(std::initializer_list<const char*> lines) {
        std::vector<flow::FlowMod> mods;
        flow::FlowMod del;
        del.command = flow::FlowModCommand::del;
        del.table = flow::kAllTables;
        mods.push_back(del);
        for (const char* l : lines) mods.push_back(parse(l));
        const auto out = sw->apply_flows("br0", mods);
        ASSERT_TRUE(out) << out.status.message();
    }
    std::vector<PacketInRecord> packet_ins() {
        std::vector<PacketInRecord> got;
        sw->take_packet_ins([&](const PacketInRecord& r) {
            got.emplace_back();
            PacketInRecord& g = got.back();
            g.bridge_id = r.bridge_id;
            g.in_port = r.in_port;
            g.reason = r.reason;
            g.table = r.table;
            g.cookie = r.cookie;
            g.total_len = r.total_len;
            g.length = r.length;
            std::memcpy(g.data, r.data, r.length);
        }, 1000);
        return got;
    }
};

TEST_F(OpenFlowHooks, ControllerActionQueuesPacketInsOnlyWhenEnabled) {
    auto* a = add("a");
    add("b");
    flows({"cookie=0x7,priority=5,actions=controller:40", "priority=0,actions=controller"});
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run();
    EXPECT_TRUE(packet_ins().empty());
    EXPECT_EQ(drops("a", "controller_none"), 1u);

    ASSERT_TRUE(sw->set_openflow_state("br0", true, false));
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run();
    auto got = packet_ins();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].in_port, 1u);
    EXPECT_EQ(got[0].reason, 1);  // OFPR_ACTION
    EXPECT_EQ(got[0].cookie, 0x7u);
    EXPECT_EQ(got[0].total_len, 60u);
    EXPECT_EQ(got[0].length, 40u);  // max_len
    EXPECT_EQ(got[0].data[5], 0xB);

    // The table-miss flow reports OFPR_NO_MATCH.
    flows({"priority=0,actions=controller"});
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run();
    got = packet_ins();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].reason, 0);
    EXPECT_EQ(got[0].length, 60u);
}

TEST_F(OpenFlowHooks, AFullQueueCountsItsDrops) {
    pool_packets = 1024;
    make_switch();
    auto* a = add("a");
    add("b");
    flows({"priority=0,actions=controller"});
    ASSERT_TRUE(sw->set_openflow_state("br0", true, false));
    const std::size_t n = PacketInQueue::kSlots + 10;
    for (std::size_t i = 0; i < n; ++i) {
        ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
        if (i % 32 == 31) run();
    }
    run();
    EXPECT_EQ(packet_ins().size(), PacketInQueue::kSlots);
    EXPECT_EQ(drops("a", "controller_queue_full"), 10u);
}

TEST_F(OpenFlowHooks, FailOpenIgnoresTheFlows) {
    auto* a = add("a");
    auto* b = add("b");
    flows({"priority=0,actions=drop"});
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run();
    EXPECT_TRUE(b->take_all().empty());
    ASSERT_TRUE(sw->set_openflow_state("br0", false, true));
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run();
    EXPECT_EQ(b->take_all().size(), 1u) << "fail-open: NORMAL floods";
    ASSERT_TRUE(sw->set_openflow_state("br0", false, false));
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run();
    EXPECT_TRUE(b->take_all().empty()) << "the flows again";
}

TEST_F(OpenFlowHooks, PacketOutSendsThroughItsActions) {
    auto* a = add("a");
    auto* b = add("b");
    auto* c = add("c");
    const Bytes frame = unicast(0xB, 0xA);
    flow::Action out;
    out.type = flow::ActionType::output;
    out.port = 2;
    ASSERT_TRUE(sw->packet_out("br0", flow::kOfpController, {out}, frame));
    EXPECT_EQ(b->take_all().size(), 1u);
    EXPECT_TRUE(a->take_all().empty());
    flow::Action flood = out;
    flood.port = flow::kOfpFlood;
    ASSERT_TRUE(sw->packet_out("br0", 1, {flood}, frame));
    EXPECT_EQ(b->take_all().size(), 1u);
    EXPECT_EQ(c->take_all().size(), 1u);
    EXPECT_TRUE(a->take_all().empty()) << "FLOOD skips in_port";
    // output:TABLE runs the flows (the default flow: NORMAL).
    flow::Action table = out;
    table.port = flow::kOfpTable;
    ASSERT_TRUE(sw->packet_out("br0", 1, {table}, frame));
    EXPECT_EQ(b->take_all().size() + c->take_all().size(), 2u);
    EXPECT_FALSE(sw->packet_out("br0", 1, {out}, Bytes(10, 0)));
    EXPECT_FALSE(sw->packet_out("nobr", 1, {out}, frame));
}

TEST_F(OpenFlowHooks, TimedOutFlowsWithSendFlowRemAreReported) {
    add("a");
    flows({"idle_timeout=1,send_flow_rem,priority=3,actions=drop", "hard_timeout=1,priority=4,actions=drop"});
    now_ns += 3'000'000'000ull;
    run();
    sw->run_once();
    auto removed = sw->take_expired_flows();
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_EQ(removed[0].second.stats.priority, 3);
    EXPECT_EQ(removed[0].second.reason, flow::RemovedReason::idle_timeout);
    EXPECT_TRUE(sw->take_expired_flows().empty());
}

}  // namespace
}  // namespace sy::datapath::test
