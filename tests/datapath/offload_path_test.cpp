// The checksum contract through the switch: partial checksums and super-frames between
// in-memory ports with and without offload capabilities, lab corruption never "verified".
#include "net/l4_checksum.hpp"
#include "net/parse.hpp"
#include "switch_fixture.hpp"

namespace sy::datapath::test {
namespace {

using testlib::build_frame;
using testlib::Frame;
using testlib::FrameSpec;

// The layout of `like`, moved by `shift` bytes (a VLAN tag), over `bytes`; l3_end from the IP
// length field of `bytes` (segments have their own).
Frame relayout(const Bytes& bytes, const Frame& like, int shift = 0) {
    Frame f = like;
    f.bytes = bytes;
    f.l3 += shift;
    f.l4 += shift;
    f.payload += shift;
    f.csum_field += shift;
    const std::uint32_t ip_len = f.ip_version == 4 ? testlib::rd16(f.bytes, f.l3 + 2)
                                                   : 40u + testlib::rd16(f.bytes, f.l3 + 4);
    f.l3_end = f.l3 + ip_len;
    return f;
}

Frame tcp_frame(std::size_t payload, testlib::CsumFill fill, std::uint8_t dst = 0xB,
                std::uint8_t src = 0xA) {
    FrameSpec s;
    s.payload = testlib::make_payload(payload);
    s.csum = fill;
    Frame f = build_frame(s);
    set_macs(f.bytes, dst, src);
    return f;
}

class OffloadPathTest : public SwitchTest {
  protected:
    // Teach the switch where B lives so the test frame goes to exactly one port.
    void learn_b(port::MemoryPort* b) {
        ASSERT_TRUE(b->inject(unicast(0xA, 0xB)));
        run();
    }
};

TEST_F(OffloadPathTest, PartialGoesOnToACsumCapablePortUntouched) {
    auto* a = add("a");
    auto* b = add("b");
    learn_b(b);
    a->take_all();
    const Frame f = tcp_frame(100, testlib::CsumFill::seed);
    ASSERT_TRUE(a->inject(f.bytes, testlib::partial_offload(f)));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].bytes, f.bytes) << "no software checksum for a port that finishes it";
    EXPECT_TRUE(out[0].offload.is_partial());
    EXPECT_EQ(out[0].offload.csum_start, f.l4);
    EXPECT_EQ(stats("b").csum_completed_sw, 0u);
}

TEST_F(OffloadPathTest, PartialIsCompletedForAPortWithoutCsumOffload) {
    auto* a = add("a");
    auto* b = add("b", OffloadMode::legacy);
    learn_b(b);
    const Frame f = tcp_frame(100, testlib::CsumFill::seed);
    ASSERT_TRUE(a->inject(f.bytes, testlib::partial_offload(f)));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 1u);
    const Frame got = relayout(out[0].bytes, f);
    EXPECT_TRUE(testlib::l4_checksum_ok(got)) << "the pseudo-header seed must never leave as is";
    EXPECT_NE(testlib::stored_l4_checksum(got), testlib::ref_seed(f));
    EXPECT_EQ(out[0].offload.csum, CsumState::none) << "completed, not verified";
    EXPECT_EQ(stats("b").csum_completed_sw, 1u);
}

TEST_F(OffloadPathTest, PartialThroughATrunkKeepsCsumStartOnTheL4Header) {
    auto* a = add("a", OffloadMode::vnet_hdr, 10);
    auto* t = add("t", OffloadMode::vnet_hdr, 0, {10});
    const Frame f = tcp_frame(100, testlib::CsumFill::seed);
    ASSERT_TRUE(a->inject(f.bytes, testlib::partial_offload(f)));
    run();
    auto out = t->take_all();
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].bytes.size(), f.bytes.size() + 4);
    ASSERT_TRUE(out[0].offload.is_partial());
    EXPECT_EQ(out[0].offload.csum_start, f.l4 + 4) << "the tag moved the L4 header";
    EXPECT_EQ(testlib::rd16(out[0].bytes, out[0].offload.csum_start + out[0].offload.csum_offset),
              testlib::ref_seed(f));
}

TEST_F(OffloadPathTest, SuperFrameToATsoPortPassesWhole) {
    auto* a = add("a");
    auto* b = add("b");
    learn_b(b);
    const Frame f = tcp_frame(20000, testlib::CsumFill::seed);
    ASSERT_TRUE(a->inject(f.bytes, testlib::gso_offload(f, 1448)));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].bytes, f.bytes);
    EXPECT_TRUE(out[0].offload.gso.active());
    EXPECT_EQ(stats("b").gso_passed, 1u);
    EXPECT_EQ(stats("b").gso_segmented, 0u);
}

// A TSO port with a smaller MTU than the super-frame's segments: passed whole with the segment
// size lowered, and `stats` shows it (gso_resized).
TEST_F(OffloadPathTest, SuperFrameResizedToASmallerEgressMtuIsCounted) {
    auto* a = add("a");
    offload::PortOffloadCaps caps = memory_port_caps(OffloadMode::vnet_hdr);
    caps.mtu = 1000;
    auto* b = add("b", OffloadMode::vnet_hdr, 0, {}, &caps);
    learn_b(b);
    const Frame f = tcp_frame(20000, testlib::CsumFill::seed);
    ASSERT_TRUE(a->inject(f.bytes, testlib::gso_offload(f, 1448)));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_LT(out[0].offload.gso.size, 1448u);
    EXPECT_EQ(stats("b").gso_passed, 1u);
    EXPECT_EQ(stats("b").gso_resized, 1u);
    EXPECT_EQ(stats("a").gso_resized, 0u);
}

TEST_F(OffloadPathTest, SuperFrameToANonTsoPortIsSegmentedWithCorrectChecksums) {
    auto* a = add("a");
    auto* b = add("b", OffloadMode::legacy);
    learn_b(b);
    const Frame f = tcp_frame(20000, testlib::CsumFill::seed);
    ASSERT_TRUE(a->inject(f.bytes, testlib::gso_offload(f, 1448)));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 14u) << "ceil(20000 / 1448) segments (more than one batch of 32? no)";
    std::size_t payload = 0;
    for (const auto& seg : out) {
        const Frame s = relayout(seg.bytes, f);
        EXPECT_LE(s.l3_end - s.l3, 1500u);
        EXPECT_TRUE(testlib::l4_checksum_ok(s));
        EXPECT_TRUE(testlib::ref_ipv4_header_ok(s));
        EXPECT_FALSE(seg.offload.gso.active());
        payload += s.l3_end - s.payload;
    }
    EXPECT_EQ(payload, 20000u);
    const PortStats st = stats("b");
    EXPECT_EQ(st.gso_segmented, 1u);
    EXPECT_EQ(st.segments_out, 14u);
    EXPECT_EQ(st.tx_packets, 14u);
}

TEST_F(OffloadPathTest, SegmentsBeyondOneBatchAreAllSent) {
    auto* a = add("a");
    auto* b = add("b", OffloadMode::legacy);
    learn_b(b);
    const Frame f = tcp_frame(35000, testlib::CsumFill::seed);
    ASSERT_TRUE(a->inject(f.bytes, testlib::gso_offload(f, 1000)));
    run();
    EXPECT_EQ(b->take_all().size(), 35u) << "case 38: 35 segments > 32, no drops";
}

TEST_F(OffloadPathTest, OversizeFrameToASmallMtuPortIsDroppedAndCounted) {
    auto* a = add("a");
    auto* b = add("b");
    learn_b(b);
    const Frame f = tcp_frame(3000, testlib::CsumFill::correct);  // no GSO metadata
    ASSERT_TRUE(a->inject(f.bytes));
    run();
    EXPECT_TRUE(b->take_all().empty());
    EXPECT_EQ(drops("b", "egress_oversize"), 1u);
}

// Bits that differ between two equally long frames, and where the first one is.
int bit_diff(const Bytes& a, const Bytes& b, std::size_t& first_at) {
    int n = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const int d = __builtin_popcount(a[i] ^ b[i]);
        if (d && n == 0) first_at = i;
        n += d;
    }
    return n;
}

TEST_F(OffloadPathTest, CorruptedPacketIsNeverMarkedVerified) {
    auto* a = add("a", OffloadMode::vnet_hdr, 0, {}, nullptr, /*corrupt=*/1.0);
    auto* b = add("b");
    ASSERT_TRUE(b->inject(unicast(0xA, 0xB)));
    run();
    // Arrives verified (DATA_VALID from the sender's side), and partial.
    const Frame good = tcp_frame(200, testlib::CsumFill::correct);
    OffloadInfo verified;
    verified.csum = CsumState::verified;
    ASSERT_TRUE(a->inject(good.bytes, verified));
    const Frame partial = tcp_frame(200, testlib::CsumFill::seed);
    ASSERT_TRUE(a->inject(partial.bytes, testlib::partial_offload(partial)));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 2u);
    for (const auto& o : out) {
        EXPECT_NE(o.offload.csum, CsumState::verified);
        EXPECT_FALSE(o.offload.is_partial()) << "finished before the damage, so it shows";
        EXPECT_FALSE(testlib::l4_checksum_ok(relayout(o.bytes, good)))
            << "the receiver must be able to detect the flipped bit";
        // Exactly one payload bit differs from the correctly checksummed original: the
        // checksum field itself holds the sender's (correct) value.
        ASSERT_EQ(o.bytes.size(), good.bytes.size());
        std::size_t at = 0;
        EXPECT_EQ(bit_diff(o.bytes, good.bytes, at), 1);
        EXPECT_GE(at, good.payload);
    }
    EXPECT_EQ(stats("a").corrupted_injected, 2u);
}

TEST_F(OffloadPathTest, UnsafeMarkSendsUncheckedTcpAsPartialWithBytesUntouched) {
    // The kernel trusts CHECKSUM_PARTIAL on local delivery and ignores DATA_VALID on packet
    // socket transmit: NEEDS_CSUM is what makes the lab's receiver skip the check.
    auto* a = add("a");
    auto* b = add("b", OffloadMode::vnet_hdr, 0, {}, nullptr, 0.0, /*mark_verified=*/true);
    learn_b(b);
    const Frame bad = tcp_frame(100, testlib::CsumFill::bad);
    ASSERT_TRUE(a->inject(bad.bytes));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].offload.csum, CsumState::partial) << "the lab's deliberately unsafe option";
    EXPECT_EQ(out[0].offload.csum_start, bad.l4);
    EXPECT_EQ(out[0].offload.csum_offset, 16);
    EXPECT_EQ(out[0].bytes, bad.bytes) << "the bad checksum must leave as it came";
    EXPECT_EQ(stats("b").unsafe_marked, 1u);
}

TEST_F(OffloadPathTest, UnsafeMarkOnAPortWithoutPartialChecksumsIsTheVerifiedMark) {
    auto* a = add("a");
    offload::PortOffloadCaps caps{};
    caps.accepts_verified_mark = true;  // carries DATA_VALID but not NEEDS_CSUM
    auto* b = add("b", OffloadMode::vnet_hdr, 0, {}, &caps, 0.0, /*mark_verified=*/true);
    learn_b(b);
    const Frame bad = tcp_frame(100, testlib::CsumFill::bad);
    ASSERT_TRUE(a->inject(bad.bytes));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].offload.csum, CsumState::verified);
    EXPECT_EQ(out[0].bytes, bad.bytes);
}

TEST_F(OffloadPathTest, WithoutTheUnsafeOptionAnUncheckedPacketLeavesUnmarked) {
    auto* a = add("a");
    auto* b = add("b");
    learn_b(b);
    const Frame bad = tcp_frame(100, testlib::CsumFill::bad);
    ASSERT_TRUE(a->inject(bad.bytes));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].offload.csum, CsumState::none);
    EXPECT_EQ(out[0].bytes, bad.bytes);
    EXPECT_EQ(stats("b").unsafe_marked, 0u);
}

TEST_F(OffloadPathTest, CorruptedThenUnsafelyMarkedIsPartialOverTheDamagedBytes) {
    // The lab's veth lesson in one port pair: a sender's partial checksum, finished and then
    // damaged at ingress, leaves the unsafe port claiming "checksum taken care of".
    auto* a = add("a", OffloadMode::vnet_hdr, 0, {}, nullptr, /*corrupt=*/1.0);
    auto* b = add("b", OffloadMode::vnet_hdr, 0, {}, nullptr, 0.0, /*mark_verified=*/true);
    learn_b(b);
    const Frame f = tcp_frame(100, testlib::CsumFill::seed);
    OffloadInfo partial;
    partial.csum = CsumState::partial;
    partial.csum_start = static_cast<std::uint16_t>(f.l4);
    partial.csum_offset = 16;
    ASSERT_TRUE(a->inject(f.bytes, partial));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].offload.csum, CsumState::partial);
    const net::ParsedHeaders parsed = net::parse(out[0].bytes);
    EXPECT_EQ(net::check_l4_checksum(out[0].bytes, parsed.outer).verdict, net::L4CsumVerdict::bad)
        << "the field holds the checksum of the undamaged payload";
}

}  // namespace
}  // namespace sy::datapath::test

namespace sy::datapath::test {
namespace {

TEST_F(OffloadPathTest, LegacyIngressIsVerifiedAndTheUnfinishedSeedIsRecognised) {
    auto* a = add("a", OffloadMode::legacy);
    auto* b = add("b");
    learn_b(b);
    const Frame seed = tcp_frame(100, testlib::CsumFill::seed);  // partial that lost its mark
    const Frame good = tcp_frame(100, testlib::CsumFill::correct);
    const Frame bad = tcp_frame(100, testlib::CsumFill::bad);
    for (const Frame* f : {&seed, &good, &bad}) ASSERT_TRUE(a->inject(f->bytes));
    run();
    auto out = b->take_all();
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].bytes, seed.bytes) << "legacy: forwarded unfinished, the bug on purpose";
    EXPECT_EQ(out[0].offload.csum, CsumState::none) << "never marked verified";
    EXPECT_EQ(out[1].offload.csum, CsumState::verified) << "checked and right";
    EXPECT_EQ(out[2].bytes, bad.bytes);
    EXPECT_EQ(out[2].offload.csum, CsumState::none);
    const PortStats st = stats("a");
    EXPECT_EQ(st.csum_verified_good, 1u);
    EXPECT_EQ(st.csum_verified_bad, 2u);
    EXPECT_EQ(st.csum_pseudo_seed, 1u);
}

}  // namespace
}  // namespace sy::datapath::test
