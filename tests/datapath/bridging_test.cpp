// Learning, aging, flooding, VLAN isolation and drop reasons, through in-memory ports.
#include "switch_fixture.hpp"

#include "l2/vlan.hpp"

namespace sy::datapath::test {
namespace {

TEST_F(SwitchTest, UnknownUnicastFloodsThenLearnedUnicastGoesToOnePort) {
    auto* a = add("a");
    auto* b = add("b");
    auto* c = add("c");
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run();
    EXPECT_EQ(b->take_all().size(), 1u) << "unknown destination: flooded";
    EXPECT_EQ(c->take_all().size(), 1u);
    EXPECT_TRUE(a->take_all().empty()) << "never back to the sender";

    ASSERT_TRUE(b->inject(unicast(0xA, 0xB)));  // A is known now
    run();
    EXPECT_EQ(a->take_all().size(), 1u);
    EXPECT_TRUE(c->take_all().empty()) << "known destination: no flooding";

    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));  // and B too
    run();
    EXPECT_EQ(b->take_all().size(), 1u);
    EXPECT_TRUE(c->take_all().empty());

    auto fdb = sw->fdb("br0");
    ASSERT_TRUE(fdb);
    EXPECT_EQ(fdb->size(), 2u);
}

TEST_F(SwitchTest, LearnedEntriesAgeOutAndFloodingResumes) {
    sw->set_mac_aging_seconds(10);
    auto* a = add("a");
    auto* b = add("b");
    auto* c = add("c");
    ASSERT_TRUE(b->inject(unicast(0xA, 0xB)));
    run();
    a->take_all();
    c->take_all();
    now_ns += 5'000'000'000ull;
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run();
    EXPECT_TRUE(c->take_all().empty()) << "B still known after 5 s";
    b->take_all();
    now_ns += 11'000'000'000ull;
    ASSERT_TRUE(a->inject(unicast(0xB, 0xA)));
    run();
    EXPECT_EQ(c->take_all().size(), 1u) << "B aged out after 11 s more: flooded";
    EXPECT_EQ(b->take_all().size(), 1u);
}

TEST_F(SwitchTest, BroadcastReachesEveryOtherPort) {
    auto* a = add("a");
    auto* b = add("b");
    auto* c = add("c");
    auto* d = add("d");
    ASSERT_TRUE(a->inject(broadcast_from(0xA)));
    run();
    EXPECT_TRUE(a->take_all().empty());
    for (auto* p : {b, c, d}) {
        auto out = p->take_all();
        ASSERT_EQ(out.size(), 1u) << p->name();
        EXPECT_EQ(out[0].bytes, broadcast_from(0xA));
    }
}

TEST_F(SwitchTest, VlansIsolateAndTrunksTagAndUntag) {
    auto* a10 = add("a10", OffloadMode::vnet_hdr, 10);
    auto* b10 = add("b10", OffloadMode::vnet_hdr, 10);
    auto* c20 = add("c20", OffloadMode::vnet_hdr, 20);
    auto* trunk = add("trunk", OffloadMode::vnet_hdr, 0, {10, 20});
    auto* plain = add("plain");  // VLAN-unaware: VLAN 0 only

    ASSERT_TRUE(a10->inject(broadcast_from(0xA)));
    run();
    EXPECT_EQ(b10->take_all().size(), 1u);
    EXPECT_TRUE(c20->take_all().empty()) << "VLAN 20 must not see VLAN 10";
    EXPECT_TRUE(plain->take_all().empty());
    auto tagged = trunk->take_all();
    ASSERT_EQ(tagged.size(), 1u);
    ASSERT_EQ(tagged[0].bytes.size(), 64u);
    EXPECT_EQ(tagged[0].bytes[12], 0x81);
    EXPECT_EQ(tagged[0].bytes[15], 10) << "tagged with the access VLAN on the trunk";

    // A frame tagged 20 from the trunk reaches only VLAN 20, untagged.
    Bytes in = broadcast_from(0xC);
    in.insert(in.begin() + 12, {0x81, 0x00, 0x00, 20});
    ASSERT_TRUE(trunk->inject(in));
    run();
    auto out = c20->take_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].bytes, broadcast_from(0xC));
    EXPECT_TRUE(a10->take_all().empty());
    EXPECT_TRUE(b10->take_all().empty());

    // Refused frames are counted by name.
    ASSERT_TRUE(trunk->inject(broadcast_from(0xD)));  // untagged on a trunk
    ASSERT_TRUE(a10->inject(in));                     // tagged on an access port
    in[15] = 30;
    ASSERT_TRUE(trunk->inject(in));  // VLAN the trunk does not carry
    run();
    EXPECT_EQ(drops("trunk", "vlan_untagged_on_trunk"), 1u);
    EXPECT_EQ(drops("a10", "vlan_tagged_on_access"), 1u);
    EXPECT_EQ(drops("trunk", "vlan_not_allowed"), 1u);
}

TEST_F(SwitchTest, RuntsAndLonelyPortsCountNamedDrops) {
    auto* a = add("a");
    ASSERT_TRUE(a->inject(Bytes(10, 0)));
    ASSERT_TRUE(a->inject(broadcast_from(0xA)));  // nobody else on the bridge
    run();
    EXPECT_EQ(drops("a", "runt"), 1u);
    EXPECT_EQ(drops("a", "no_destination"), 1u);
}

TEST(SwitchFloodPool, PoolExhaustionWhileFloodingIsCountedNotFatal) {
    SwitchOptions o;
    o.start_poll_thread = false;
    o.pool_packets = 2;  // one to receive, one copy: the third port gets nothing
    o.log = false;
    SwitchCore sw(o);
    ASSERT_TRUE(sw.add_bridge("br0"));
    std::vector<port::MemoryPort*> ports;
    for (const char* n : {"a", "b", "c", "d"}) {
        auto io = std::make_unique<port::MemoryPort>(n, memory_port_caps(OffloadMode::vnet_hdr));
        ports.push_back(io.get());
        PortConfig c;
        c.name = n;
        c.kind = PortKind::memory;
        ASSERT_TRUE(sw.add_port("br0", c, std::move(io)));
    }
    ASSERT_TRUE(ports[0]->inject(broadcast_from(0xA)));
    sw.run_once();
    std::size_t delivered = 0;
    for (int i = 1; i < 4; ++i) delivered += ports[i]->take_all().size();
    EXPECT_EQ(delivered, 2u);
    for (const BridgeInfo& b : sw.bridges()) {
        for (const PortInfo& p : b.ports) {
            if (p.config.name != "a") continue;
            ASSERT_EQ(p.stats.drops.size(), 1u);
            EXPECT_EQ(p.stats.drops[0].first, "flood_no_buffer");
            EXPECT_EQ(p.stats.drops[0].second, 1u);
        }
    }
}

TEST_F(SwitchTest, ConfigErrorsArePreciseAndChangeNothing) {
    add("a");
    PortConfig c;
    c.name = "a";
    c.kind = PortKind::memory;
    EXPECT_EQ(sw->add_port("br0", c).code(), Errc::already_exists);
    c.name = "x";
    EXPECT_EQ(sw->add_port("nobr", c).code(), Errc::not_found);
    c.access_vlan = 5000;
    EXPECT_EQ(sw->add_port("br0", c).code(), Errc::invalid_argument);
    c.access_vlan = 5;
    c.trunk_vlans = {6};
    EXPECT_EQ(sw->add_port("br0", c).code(), Errc::invalid_argument);
    EXPECT_EQ(sw->add_bridge("br0").code(), Errc::already_exists);
    EXPECT_EQ(sw->del_port("br0", "nope").code(), Errc::not_found);
    EXPECT_EQ(sw->fdb("nobr").status().code(), Errc::not_found);
    ASSERT_EQ(sw->bridges().size(), 1u);
    EXPECT_EQ(sw->bridges()[0].ports.size(), 1u);
    EXPECT_TRUE(sw->del_port("br0", "a"));
    EXPECT_TRUE(sw->del_bridge("br0"));
    EXPECT_TRUE(sw->bridges().empty());
}

}  // namespace
}  // namespace sy::datapath::test
