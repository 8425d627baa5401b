#include "forensics/verdict.hpp"

#include <gtest/gtest.h>

#include "forensics/correlator.hpp"

namespace sy::forensics {
namespace {

using capture::KernelMark;

const std::vector<std::string> kNames = {"p1", "p2", "p3"};

Sighting at(std::uint32_t point, CsumState state, std::uint64_t t,
            KernelMark mark = KernelMark::unknown) {
    Sighting s;
    s.point = point;
    s.state = state;
    s.time_ns = t;
    s.kmark = mark;
    s.ttl = 64;
    s.weak_key = 42;
    s.strong_key = 43;
    return s;
}

Verdict judge_all(std::vector<Sighting> all) {
    std::vector<std::uint32_t> order;
    for (std::uint32_t i = 0; i < all.size(); ++i) order.push_back(i);
    return judge(order, all, kNames);
}

TEST(Verdict, PartialAtSenderCompletedLaterIsOffloadNotError) {
    auto v = judge_all(
        {at(0, CsumState::partial, 1), at(1, CsumState::good, 2), at(2, CsumState::good, 3)});
    EXPECT_EQ(v.status, VerdictStatus::ok);
    EXPECT_TRUE(v.offload_at_sender);
    EXPECT_TRUE(v.certain);
}

TEST(Verdict, PartialAtLastSightingNamesTheLastHopInferred) {
    auto v = judge_all(
        {at(0, CsumState::partial, 1), at(1, CsumState::partial, 2), at(2, CsumState::partial, 3)});
    EXPECT_EQ(v.status, VerdictStatus::partial_never_completed);
    EXPECT_EQ(v.from_point, 1);
    EXPECT_EQ(v.to_point, 2);
    EXPECT_FALSE(v.certain);
    EXPECT_EQ(v.basis, Basis::position);
}

TEST(Verdict, KernelMarkMakesItCertainBothWays) {
    auto lost =
        judge_all({at(0, CsumState::partial, 1, KernelMark::csum_notready),
                   at(1, CsumState::partial, 2, KernelMark::none), at(2, CsumState::partial, 3)});
    EXPECT_EQ(lost.status, VerdictStatus::partial_never_completed);
    EXPECT_EQ(lost.from_point, 0);
    EXPECT_EQ(lost.to_point, 1);
    EXPECT_TRUE(lost.certain);
    EXPECT_EQ(lost.basis, Basis::kernel_mark);

    auto fine = judge_all({at(0, CsumState::partial, 1, KernelMark::csum_notready),
                           at(1, CsumState::partial, 2, KernelMark::csum_notready)});
    EXPECT_EQ(fine.status, VerdictStatus::ok);
    EXPECT_TRUE(fine.certain);
    EXPECT_EQ(fine.basis, Basis::kernel_mark);
}

TEST(Verdict, SwitchMetadataSayingNotPartialMakesALeakedSeedCertain) {
    auto a = at(0, CsumState::partial, 1);
    a.switch_recorded = a.switch_partial = true;  // switch knew: csum=partial
    auto b = at(1, CsumState::partial, 2);
    b.switch_recorded = true;  // switch recorded csum=none on egress: the seed leaked
    auto v = judge_all({a, b});
    EXPECT_EQ(v.status, VerdictStatus::partial_never_completed);
    EXPECT_TRUE(v.certain);
    EXPECT_EQ(v.basis, Basis::switch_metadata);
    EXPECT_EQ(v.from_point, 0);
    EXPECT_EQ(v.to_point, 1);
}

TEST(Verdict, ReverseTravelIsFoundFromTimestampsDespiteOneSkewedClock) {
    // Seen at p3 first, then p2, then p1; p2's clock is slightly behind p1's... majority wins.
    auto all = std::vector<Sighting>{at(0, CsumState::partial, 30), at(1, CsumState::partial, 5),
                                     at(2, CsumState::partial, 10)};
    std::vector<std::uint32_t> order{0, 1, 2};
    auto v = judge(order, all, kNames);
    EXPECT_EQ(order, (std::vector<std::uint32_t>{2, 1, 0}));
    EXPECT_EQ(v.status, VerdictStatus::partial_never_completed);
    EXPECT_EQ(v.from_point, 1);
    EXPECT_EQ(v.to_point, 0);
}

TEST(Verdict, BadAtFirstSightingHasNoFromPoint) {
    auto v = judge_all({at(0, CsumState::bad, 1), at(1, CsumState::bad, 2)});
    EXPECT_EQ(v.status, VerdictStatus::bad_at_origin);
    EXPECT_EQ(v.from_point, kNoPoint);
    EXPECT_EQ(v.to_point, 0);
}

TEST(Verdict, PayloadChangeIsCorruptionAndComparesTheTwoRecords) {
    auto a = at(0, CsumState::good, 1);
    auto b = at(1, CsumState::bad, 2);
    b.payload_digest = 99;
    auto v = judge_all({a, b});
    EXPECT_EQ(v.status, VerdictStatus::corrupted);
    EXPECT_EQ(v.compare_before, 0);
    EXPECT_EQ(v.compare_after, 1);
}

TEST(Verdict, AllUnverifiable) {
    auto v = judge_all({at(0, CsumState::unverifiable, 1)});
    EXPECT_EQ(v.status, VerdictStatus::unverifiable);
    EXPECT_FALSE(is_problem(v.status));
}

TEST(Correlator, RetransmissionsPairInOrderAndCorruptedPayloadStillMatches) {
    Correlator c;
    auto s = at(0, CsumState::good, 1);
    c.add(s);  // original
    c.add(s);  // retransmission, identical
    auto t = at(1, CsumState::good, 2);
    c.add(t);
    auto corrupted = at(1, CsumState::bad, 3);
    corrupted.strong_key = 77;  // payload digest differs, weak key the same
    c.add(corrupted);
    ASSERT_EQ(c.groups().size(), 2u);
    EXPECT_EQ(c.groups()[0].sightings, (std::vector<std::uint32_t>{0, 2}));
    EXPECT_EQ(c.groups()[1].sightings, (std::vector<std::uint32_t>{1, 3}));
}

}  // namespace
}  // namespace sy::forensics
