// The rebalancing rule: move only off a busy thread, only when the busiest thread gains a
// clear margin, and pick the move that leaves the lowest maximum.
#include "datapath/rebalance_plan.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sy::datapath {
namespace {

const RebalancePolicy kPolicy{};  // min_load 0.10, min_improvement 0.25

TEST(RebalancePlan, TwoBusyBridgesOnOneThreadAndAnIdleThreadSplit) {
    const std::vector<BridgeLoad> loads = {{"br0", 0, 0.5}, {"br1", 1, 0.0}, {"br2", 0, 0.4}};
    const auto m = plan_rebalance(loads, 2, kPolicy);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->from, 0u);
    EXPECT_EQ(m->to, 1u);
    // Moving br0 leaves max(0.4, 0.5) = 0.5, moving br2 leaves max(0.5, 0.4) = 0.5: a tie, the
    // first found wins; either way the busiest thread goes from 0.9 to 0.5.
    EXPECT_EQ(m->bridge, "br0");
    EXPECT_DOUBLE_EQ(m->busiest_before, 0.9);
    EXPECT_DOUBLE_EQ(m->busiest_after, 0.5);
}

TEST(RebalancePlan, PicksTheMoveThatLeavesTheLowestMaximum) {
    // Thread 0: 0.6 + 0.2 + 0.1; thread 1: 0.3. Moving 0.2 leaves max(0.7, 0.5) = 0.7; moving
    // 0.1 leaves 0.8; moving 0.6 leaves max(0.3, 0.9) = 0.9. The best: br_b.
    const std::vector<BridgeLoad> loads = {
        {"br_a", 0, 0.6}, {"br_b", 0, 0.2}, {"br_c", 0, 0.1}, {"br_d", 1, 0.3}};
    const auto m = plan_rebalance(loads, 2, RebalancePolicy{0.1, 0.2});
    ASSERT_TRUE(m);
    EXPECT_EQ(m->bridge, "br_b");
    EXPECT_NEAR(m->busiest_after, 0.7, 1e-9);
    // ... but that is only 22 % better than 0.9: the default 25 % margin says stay.
    EXPECT_FALSE(plan_rebalance(loads, 2, kPolicy));
}

TEST(RebalancePlan, QuietThreadsStayAsTheyAre) {
    const std::vector<BridgeLoad> loads = {{"br0", 0, 0.05}, {"br1", 0, 0.04}, {"br2", 1, 0.0}};
    EXPECT_FALSE(plan_rebalance(loads, 2, kPolicy));
}

TEST(RebalancePlan, OneBusyBridgeHasNowhereBetterToGo) {
    const std::vector<BridgeLoad> loads = {{"br0", 0, 0.9}, {"br1", 1, 0.1}};
    EXPECT_FALSE(plan_rebalance(loads, 2, kPolicy));
}

TEST(RebalancePlan, BalancedThreadsStay) {
    const std::vector<BridgeLoad> loads = {
        {"br0", 0, 0.5}, {"br1", 1, 0.45}, {"br2", 0, 0.05}, {"br3", 1, 0.05}};
    EXPECT_FALSE(plan_rebalance(loads, 2, kPolicy));
}

TEST(RebalancePlan, GoesToTheLeastLoadedOfSeveralThreads) {
    const std::vector<BridgeLoad> loads = {
        {"br0", 0, 0.5}, {"br1", 0, 0.5}, {"br2", 1, 0.3}, {"br3", 2, 0.0}, {"br4", 3, 0.2}};
    const auto m = plan_rebalance(loads, 4, kPolicy);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->from, 0u);
    EXPECT_EQ(m->to, 2u);
}

TEST(RebalancePlan, OneThreadNeverMoves) {
    const std::vector<BridgeLoad> loads = {{"br0", 0, 0.9}, {"br1", 0, 0.9}};
    EXPECT_FALSE(plan_rebalance(loads, 1, kPolicy));
}

}  // namespace
}  // namespace sy::datapath
