#include "l2/mac_table.hpp"

#include <gtest/gtest.h>

namespace sy::l2 {
namespace {

constexpr std::uint64_t kSec = 1'000'000'000ull;
const std::uint8_t kMacA[6] = {0x02, 0, 0, 0, 0, 0xA};
const std::uint8_t kMacB[6] = {0x02, 0, 0, 0, 0, 0xB};

TEST(MacTable, LearnsAndLooksUpPerVlan) {
    MacTable t(64);
    EXPECT_EQ(t.lookup(kMacA, 0, kSec), kNoPort);
    t.learn(kMacA, 0, 3, kSec);
    EXPECT_EQ(t.lookup(kMacA, 0, kSec), 3u);
    EXPECT_EQ(t.lookup(kMacA, 10, kSec), kNoPort)
        << "a MAC learned in VLAN 0 is unknown in VLAN 10";
    EXPECT_EQ(t.lookup(kMacB, 0, kSec), kNoPort);
    EXPECT_EQ(t.counters().learned, 1u);
}

TEST(MacTable, StationMoveUpdatesPort) {
    MacTable t(64);
    t.learn(kMacA, 0, 1, kSec);
    t.learn(kMacA, 0, 2, 2 * kSec);
    EXPECT_EQ(t.lookup(kMacA, 0, 2 * kSec), 2u);
    EXPECT_EQ(t.counters().moved, 1u);
}

TEST(MacTable, NeverLearnsGroupAddresses) {
    MacTable t(64);
    const std::uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    t.learn(bcast, 0, 1, kSec);
    EXPECT_EQ(t.lookup(bcast, 0, kSec), kNoPort);
}

TEST(MacTable, EntriesAgeOutWithInjectedClock) {
    MacTable t(64);
    t.set_aging_ns(10 * kSec);
    t.learn(kMacA, 0, 1, 100 * kSec);
    EXPECT_EQ(t.lookup(kMacA, 0, 109 * kSec), 1u);
    EXPECT_EQ(t.lookup(kMacA, 0, 111 * kSec), kNoPort);
    t.learn(kMacB, 0, 2, 105 * kSec);
    EXPECT_EQ(t.expire(111 * kSec), 1u);  // A aged out, B still young
    EXPECT_EQ(t.lookup(kMacB, 0, 111 * kSec), 2u);
    int live = 0;
    t.for_each(111 * kSec, [&](const MacEntryView&) { ++live; });
    EXPECT_EQ(live, 1);
}

TEST(MacTable, RefreshKeepsEntryAlive) {
    MacTable t(64);
    t.set_aging_ns(10 * kSec);
    t.learn(kMacA, 0, 1, 0);
    t.learn(kMacA, 0, 1, 8 * kSec);
    EXPECT_EQ(t.lookup(kMacA, 0, 15 * kSec), 1u);
}

TEST(MacTable, FullTableEvictsOldestNeverMisdelivers) {
    MacTable t(8);  // a single 8-way bucket
    std::uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};
    for (std::uint8_t i = 0; i < 20; ++i) {
        mac[5] = i;
        t.learn(mac, 0, i, std::uint64_t{i} + 1);
    }
    EXPECT_EQ(t.counters().evicted, 12u);
    for (std::uint8_t i = 0; i < 20; ++i) {
        mac[5] = i;
        const PortId p = t.lookup(mac, 0, 21);
        EXPECT_TRUE(p == kNoPort || p == i) << "mac " << int(i) << " on wrong port " << p;
        if (i >= 12) {
            EXPECT_EQ(p, i) << "the 8 most recent stay";
        }
    }
}

TEST(MacTable, FlushPortForgetsOnlyThatPort) {
    MacTable t(64);
    t.learn(kMacA, 0, 1, kSec);
    t.learn(kMacB, 0, 2, kSec);
    t.flush_port(1);
    EXPECT_EQ(t.lookup(kMacA, 0, kSec), kNoPort);
    EXPECT_EQ(t.lookup(kMacB, 0, kSec), 2u);
}

}  // namespace
}  // namespace sy::l2
