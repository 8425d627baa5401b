#include "flow/classifier.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "testlib/flow_builders.hpp"

namespace sy::flow {
namespace {

namespace fb = testlib::fb;

struct Rules {
    std::vector<std::unique_ptr<FlowRule>> all;
    std::uint64_t seq = 1;
    FlowRule* make(const Match& m, std::uint16_t priority) {
        auto r = std::make_unique<FlowRule>();
        r->match = m;
        r->priority = priority;
        r->seq = seq++;
        all.push_back(std::move(r));
        return all.back().get();
    }
};

Match dst_prefix(std::uint32_t addr, int len) {
    Match m = fb::ip();
    const std::uint32_t mask = len == 0 ? 0 : ~0u << (32 - len);
    m.set(FieldId::nw_dst, addr, mask);
    return m;
}

TEST(Classifier, EmptyFindsNothingAndConsultsNothing) {
    Classifier c;
    FlowMask consulted;
    EXPECT_EQ(c.lookup(fb::tcp_key(1, 1, 2, 3, 4), consulted), nullptr);
    EXPECT_EQ(consulted, FlowMask{});
}

TEST(Classifier, HighestPriorityWinsAndLowerSubtablesAreNotConsulted) {
    Rules rs;
    Classifier c;
    FlowRule* low = rs.make(Match{}, 0);  // catch-all, its own (empty) mask
    FlowRule* port80 = rs.make(
        fb::match({{FieldId::dl_type, 0x0800}, {FieldId::nw_proto, 6}, {FieldId::tp_dst, 80}}),
        200);
    FlowRule* net = rs.make(dst_prefix(fb::ipv4(10, 0, 0, 0), 8), 100);
    for (FlowRule* r : {low, port80, net}) ASSERT_TRUE(c.insert(r));
    EXPECT_EQ(c.subtable_count(), 3u);

    FlowMask consulted;
    EXPECT_EQ(c.lookup(fb::tcp_key(1, 1, fb::ipv4(10, 1, 1, 1), 999, 80), consulted), port80);
    // Priority 200 found: the prefix (100) and catch-all (0) subtables were never looked at.
    EXPECT_EQ(consulted.tp_dst, 0xffff);
    EXPECT_EQ(consulted.nw_dst, 0u);

    consulted = {};
    EXPECT_EQ(c.lookup(fb::tcp_key(1, 1, fb::ipv4(10, 1, 1, 1), 999, 443), consulted), net);
    EXPECT_EQ(consulted.tp_dst, 0xffff);  // looked at, missed: part of the answer
    EXPECT_EQ(consulted.nw_dst, 0xff000000u);

    consulted = {};
    EXPECT_EQ(c.lookup(fb::tcp_key(1, 1, fb::ipv4(11, 1, 1, 1), 999, 443), consulted), low);
}

TEST(Classifier, EqualPriorityOverlapGoesToTheFlowAddedFirst) {
    // Same priority, different masks, both match: the smaller seq wins whichever subtable is
    // looked at first, and removing it hands the packet to the other.
    for (bool reversed : {false, true}) {
        Rules rs;
        FlowRule* first = rs.make(dst_prefix(fb::ipv4(10, 0, 0, 0), 8), 100);
        FlowRule* second =
            rs.make(fb::match({{FieldId::dl_type, 0x0800}, {FieldId::nw_proto, 6}}), 100);
        Classifier c;
        if (reversed) {
            c.insert(second);
            c.insert(first);
        } else {
            c.insert(first);
            c.insert(second);
        }
        FlowMask consulted;
        const FlowKey k = fb::tcp_key(1, 1, fb::ipv4(10, 1, 1, 1), 5, 6);
        EXPECT_EQ(c.lookup(k, consulted), first);
        EXPECT_EQ(consulted.nw_dst, 0xff000000u);  // both subtables consulted
        EXPECT_EQ(consulted.nw_proto, 0xff);
        c.remove(first);
        EXPECT_EQ(c.lookup(k, consulted), second);
    }
}

TEST(Classifier, OneFlowPerMatchAndPriority) {
    Rules rs;
    Classifier c;
    const Match m = dst_prefix(fb::ipv4(10, 0, 0, 0), 8);
    FlowRule* a = rs.make(m, 100);
    FlowRule* dup = rs.make(m, 100);
    FlowRule* other = rs.make(m, 50);
    EXPECT_TRUE(c.insert(a));
    EXPECT_FALSE(c.insert(dup));
    EXPECT_TRUE(c.insert(other));
    EXPECT_EQ(c.size(), 2u);
    EXPECT_EQ(c.find_exact(m, 100), a);
    EXPECT_EQ(c.find_exact(m, 50), other);
    EXPECT_EQ(c.find_exact(m, 51), nullptr);
    EXPECT_EQ(c.find_exact(dst_prefix(fb::ipv4(10, 0, 0, 0), 9), 100), nullptr);
    EXPECT_FALSE(c.remove(dup));
    EXPECT_TRUE(c.remove(a));
    EXPECT_EQ(c.find_exact(m, 100), nullptr);
    EXPECT_TRUE(c.remove(other));
    EXPECT_TRUE(c.empty());
    EXPECT_EQ(c.subtable_count(), 0u);
}

TEST(Classifier, OverlapIsSamePrioritySomePacketMatchesBoth) {
    Rules rs;
    Classifier c;
    c.insert(rs.make(dst_prefix(fb::ipv4(10, 0, 0, 0), 8), 100));
    EXPECT_TRUE(c.overlaps(fb::match({{FieldId::dl_type, 0x0800}, {FieldId::nw_proto, 6}}), 100));
    EXPECT_TRUE(c.overlaps(dst_prefix(fb::ipv4(10, 1, 0, 0), 16), 100));
    EXPECT_FALSE(c.overlaps(dst_prefix(fb::ipv4(11, 0, 0, 0), 8), 100));  // disjoint
    EXPECT_FALSE(c.overlaps(dst_prefix(fb::ipv4(10, 1, 0, 0), 16), 99));  // other priority
    EXPECT_FALSE(c.overlaps(dst_prefix(fb::ipv4(10, 0, 0, 0), 8), 100));  // itself
    EXPECT_FALSE(c.overlaps(fb::match({{FieldId::dl_type, 0x86dd}}), 100));
}

// Many nodes in one subtable, with removals in random order: the open-addressing table's
// growth and backward-shift deletion keep every remaining key findable.
TEST(Classifier, ManyKeysInOneSubtableSurviveRandomRemovals) {
    Rules rs;
    Classifier c;
    std::mt19937 rng(7);
    std::vector<FlowRule*> live;
    for (std::uint32_t i = 0; i < 3000; ++i) {
        FlowRule* r = rs.make(dst_prefix(i * 2654435761u, 32), 10);
        if (c.insert(r)) live.push_back(r);
    }
    std::shuffle(live.begin(), live.end(), rng);
    const std::size_t keep = live.size() / 3;
    for (std::size_t i = keep; i < live.size(); ++i) ASSERT_TRUE(c.remove(live[i]));
    live.resize(keep);
    EXPECT_EQ(c.size(), keep);
    for (FlowRule* r : live) {
        FlowKey k = fb::tcp_key(1, 1, r->match.key.nw_dst, 1, 1);
        FlowMask consulted;
        ASSERT_EQ(c.lookup(k, consulted), r);
    }
    for (const auto& r : rs.all) {
        if (std::find(live.begin(), live.end(), r.get()) != live.end()) continue;
        FlowMask consulted;
        const FlowRule* got = c.lookup(fb::tcp_key(1, 1, r->match.key.nw_dst, 1, 1), consulted);
        EXPECT_TRUE(got == nullptr || got->match.key.nw_dst == r->match.key.nw_dst);
    }
}

TEST(Classifier, ForEachVisitsEveryRuleOnce) {
    Rules rs;
    Classifier c;
    for (int i = 0; i < 50; ++i)
        c.insert(rs.make(dst_prefix(fb::ipv4(10, 0, 0, i), 24 + i % 9), 1 + i % 4));
    std::size_t n = 0;
    c.for_each([&](FlowRule&) { ++n; });
    EXPECT_EQ(n, c.size());
}

}  // namespace
}  // namespace sy::flow
