// More poll threads: bridges spread over shards (each its own SwitchCore, driven by hand
// here), every call routed to the bridge's shard, ids unique across shards, packet-ins
// and bad input answered as one switch would.
#include "datapath/sharded_switch.hpp"

#include <unistd.h>

#include "capture/capture_reader.hpp"

#include "datapath/switch_fixture.hpp"
#include "flow/flow_syntax.hpp"

namespace sy::datapath::test {
namespace {

class ShardedSwitchTest : public ::testing::Test {
  protected:
    ShardedSwitchTest() {
        SwitchOptions o;
        o.start_poll_thread = false;
        o.log = false;
        o.pool_packets = 128;
        o.clock = [this] { return now_ns += 1000; };  // every reading 1 us later
        ShardedSwitch::Rebalancing r;
        r.log = false;
        sw = std::make_unique<ShardedSwitch>(2, o, r);
        for (int i = 0; i < 2; ++i) cores[i] = &sw->shard(i);
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
    std::uint64_t now_ns = 0;
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

// A bridge with ports, learned MACs, a flow with counters and OpenFlow state, moved to the
// other thread: the same id and port numbers, the MACs still known (unicast, not flooded), the
// flow and port counters continued, and its packets now forwarded by the other thread only.
TEST_F(ShardedSwitchTest, AMovedBridgeKeepsEverythingAndForwardsOnItsNewThread) {
    ASSERT_TRUE(sw->add_bridge("br0"));
    ASSERT_TRUE(sw->add_bridge("br1"));
    const int from = static_cast<int>(sw->bridges()[1].poll_thread);
    const int to = 1 - from;
    auto* a = add(from, "br1", "a");
    auto* b = add(from, "br1", "b");
    auto* c = add(from, "br1", "c");
    flow::NoPortNames names;
    auto mod = flow::parse_flow("priority=5,dl_type=0x0806,actions=NORMAL",
                                flow::FlowParseMode::add, names);
    ASSERT_TRUE(mod);
    ASSERT_TRUE(sw->apply_flows("br1", std::span(&*mod, 1)));
    ASSERT_TRUE(sw->set_openflow_state("br1", true, false));
    ASSERT_TRUE(a->inject(broadcast_from(0xA)));
    ASSERT_TRUE(b->inject(broadcast_from(0xB)));
    ASSERT_TRUE(a->inject(Bytes(10, 0)));  // a runt: a drop the old thread's lane counts
    run(from);
    // A capture on b started on the old thread goes on writing on the new one.
    const std::string pcap = "/tmp/sy-dp-move-" + std::to_string(::getpid()) + ".pcapng";
    ASSERT_TRUE(sw->start_capture("br1", "b", CaptureDirection::out, pcap));
    (void)a->take_all(), (void)b->take_all(), (void)c->take_all();
    const BridgeInfo before = sw->bridges()[1];

    ASSERT_TRUE(sw->move_bridge("br1", static_cast<std::size_t>(to)));
    EXPECT_EQ(cores[from]->bridges().size(), 0u);
    const BridgeInfo after = sw->bridges()[1];
    EXPECT_EQ(after.name, "br1");
    EXPECT_EQ(after.poll_thread, static_cast<std::uint32_t>(to));
    EXPECT_EQ(after.id, before.id);
    ASSERT_EQ(after.ports.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(after.ports[i].config.name, before.ports[i].config.name);
        EXPECT_EQ(after.ports[i].config.ofport, before.ports[i].config.ofport);
        EXPECT_EQ(after.ports[i].stats.rx_packets, before.ports[i].stats.rx_packets);
        EXPECT_EQ(after.ports[i].stats.tx_packets, before.ports[i].stats.tx_packets);
    }
    auto fdb = sw->fdb("br1");
    ASSERT_TRUE(fdb);
    EXPECT_EQ(fdb->size(), 2u);
    auto flows_before = sw->dump_flows("br1", {});
    ASSERT_TRUE(flows_before);
    std::uint64_t arp_packets = 0;
    for (const auto& f : *flows_before) {
        if (f.priority == 5) arp_packets = f.n_packets;
    }
    EXPECT_EQ(arp_packets, 2u);

    // B's MAC is still known: a unicast to it reaches b alone, forwarded by the new thread.
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run(from);
    EXPECT_FALSE(b->take());  // the old thread has nothing of br1 left
    run(to);
    EXPECT_TRUE(b->take());
    EXPECT_FALSE(c->take());
    auto flows_after = sw->dump_flows("br1", {});
    ASSERT_TRUE(flows_after);
    for (const auto& f : *flows_after) {
        if (f.priority == 5) {
            EXPECT_EQ(f.n_packets, 3u);
        }
    }
    // Counters continue across the move.
    const auto moved = sw->bridges();
    for (const PortInfo& p : moved[1].ports) {
        if (p.config.name == "a") {
            EXPECT_EQ(p.stats.rx_packets, 3u);
            const auto runt = std::find_if(p.stats.drops.begin(), p.stats.drops.end(),
                                           [](const auto& d) { return d.first == "runt"; });
            ASSERT_NE(runt, p.stats.drops.end());
            EXPECT_EQ(runt->second, 1u);
            EXPECT_GT(p.stats.poll_ns, 0u);
        }
        if (p.config.name == "b") {
            EXPECT_EQ(p.stats.tx_packets, 2u);
        }
    }
    // The capture saw the frame sent after the move, through the same writer.
    ASSERT_TRUE(sw->stop_capture("br1", "b"));
    auto reader = capture::CaptureReader::open(pcap);
    ASSERT_TRUE(reader) << reader.status().message();
    capture::CapturedPacket pkt;
    int captured = 0;
    while (reader->next(pkt) == capture::ReadOutcome::packet) ++captured;
    EXPECT_EQ(captured, 1);
    ::unlink(pcap.c_str());
    // Bad moves change nothing.
    EXPECT_EQ(sw->move_bridge("nope", 0).code(), Errc::not_found);
    EXPECT_EQ(sw->move_bridge("br1", 7).code(), Errc::invalid_argument);
    EXPECT_EQ(sw->bridges()[1].poll_thread, static_cast<std::uint32_t>(to));
}

// Two bridges with traffic on one thread, a quiet bridge alone on the other: the measurement
// moves one busy bridge over, and the next measurement, balanced, moves nothing.
TEST_F(ShardedSwitchTest, RebalancingMovesABusyBridgeOffTheBusiestThread) {
    ASSERT_TRUE(sw->add_bridge("br0"));
    ASSERT_TRUE(sw->add_bridge("br1"));
    ASSERT_TRUE(sw->add_bridge("br2"));  // a tie on packets: the shard with fewer bridges
    const auto placed = sw->bridges();
    ASSERT_EQ(placed[0].poll_thread, placed[2].poll_thread);
    const int busy = static_cast<int>(placed[0].poll_thread);
    port::MemoryPort* senders[2];
    port::MemoryPort* receivers[2];
    senders[0] = add(busy, "br0", "a0");
    receivers[0] = add(busy, "br0", "b0");
    senders[1] = add(busy, "br2", "a2");
    receivers[1] = add(busy, "br2", "b2");
    add(1 - busy, "br1", "a1");
    auto load = [&](int rounds) {
        for (int r = 0; r < rounds; ++r) {
            for (auto* s : senders) ASSERT_TRUE(s->inject(broadcast_from(0xA)));
            run(0);
            run(1);
        }
    };
    EXPECT_FALSE(sw->rebalance(1'000'000));  // the first measurement: nothing yet
    load(50);
    // Each round is a handful of clock readings 1 us apart: ~2 us per bridge per round, so
    // 100 us of each over 200 us is far above the policy's 10 %.
    auto move = sw->rebalance(200'000);
    ASSERT_TRUE(move);
    EXPECT_EQ(move->from, static_cast<std::size_t>(busy));
    EXPECT_EQ(move->to, static_cast<std::size_t>(1 - busy));
    EXPECT_EQ(sw->bridges_moved(), 1u);
    EXPECT_NE(sw->last_move().find("moved from poll thread"), std::string::npos);
    const auto moved = sw->bridges();
    EXPECT_NE(moved[0].poll_thread, moved[2].poll_thread);
    EXPECT_GT(moved[0].load, 0.1);
    EXPECT_GE(moved[1].load, 0.0);

    // Balanced now: each thread carries one busy bridge. Nothing moves.
    load(50);
    EXPECT_FALSE(sw->rebalance(200'000));
    EXPECT_EQ(sw->bridges_moved(), 1u);
    // And both busy bridges still forward, each on its own thread: every flood reached its
    // bridge's other port (50 before the move, 50 after).
    for (auto* r : receivers) EXPECT_EQ(r->take_all().size(), 100u);
    EXPECT_EQ(sw->shard(0).bridges().size() + sw->shard(1).bridges().size(), 3u);
    EXPECT_EQ(sw->shard(static_cast<std::size_t>(busy)).bridges().size(), 1u);
}

}  // namespace
}  // namespace sy::datapath::test
