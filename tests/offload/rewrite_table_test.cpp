// One test per row of the rewrite table (docs/checksum-contract.md, "Rewrites";
// offload/rewrite_checksums.hpp): for each checksum state of the outer L4 header, what a
// pseudo-header change (an address), an L4-segment change (a port, an ICMP type/code) and an
// uncovered change (TTL, Ethernet, flow label) do to the field and to the state. Test names
// are Row_<row>_<what>, with the case number where one applies (as in the rest of tests/offload).

#include <gtest/gtest.h>

#include "net/l4_checksum.hpp"
#include "net/parse.hpp"
#include "offload/csum_complete.hpp"
#include "offload/gso.hpp"
#include "offload/rewrite.hpp"
#include "offload/rewrite_fixture.hpp"

namespace sy::offload {
namespace {

using namespace testing;

constexpr std::uint8_t kMac[6] = {0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE};
constexpr std::uint8_t kV6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34};

// The L4 protocols whose checksum includes the pseudo-header, and those whose does not.
struct Proto {
    int v;
    std::uint8_t l4;
};
constexpr Proto kPseudoCovered[] = {{4, kTcp}, {6, kTcp}, {4, kUdp}, {6, kUdp}, {6, kIcmpv6}};

RewriteStatus set_src(Packet& p, const net::ParsedHeaders& parsed, int v) {
    return v == 4 ? set_ipv4_src(p, parsed, 0xC0A80101) : set_ipv6_src(p, parsed, kV6);
}
// A change inside the L4 segment: a port, or the ICMP type.
RewriteStatus set_l4_field(Packet& p, const net::ParsedHeaders& parsed, std::uint8_t l4) {
    return l4 == kIcmp || l4 == kIcmpv6 ? set_icmp_code(p, parsed, 7)
                                        : set_l4_dst_port(p, parsed, 8443);
}

// ------------------------------------------------------------------ row internet (none)

TEST_F(RewriteFixture, Row_Internet_AddressAndL4FieldGoodStaysGoodBadStaysAsBad) {
    for (const Proto pr : kPseudoCovered) {
        for (CsumFill fill : {CsumFill::correct, CsumFill::bad}) {
            SCOPED_TRACE(::testing::Message() << "v" << pr.v << " proto " << int(pr.l4));
            load(build_frame(
                {.ip_version = pr.v, .l4 = pr.l4, .payload = make_payload(41), .csum = fill}));
            const std::uint32_t before = badness(now());
            ASSERT_EQ(set_src(*p, parsed, pr.v), RewriteStatus::ok);
            EXPECT_EQ(badness(now()), before);
            ASSERT_EQ(set_l4_field(*p, parsed, pr.l4), RewriteStatus::ok);
            EXPECT_EQ(badness(now()), before);
            EXPECT_EQ(fill == CsumFill::correct, l4_checksum_ok(now()));
            EXPECT_EQ(state(), CsumState::none);
        }
    }
}

// ICMP (IPv4) has no pseudo-header: an address leaves its checksum alone, its type does not.
TEST_F(RewriteFixture, Row_Internet_Icmpv4CoversItsMessageOnly) {
    const Frame f = build_frame({.l4 = kIcmp, .payload = make_payload(20)});
    load(f);
    ASSERT_EQ(set_ipv4_dst(*p, parsed, 0x0A000009), RewriteStatus::ok);
    EXPECT_EQ(stored_l4_checksum(now()), stored_l4_checksum(f));
    ASSERT_EQ(set_icmp_type(*p, parsed, 0), RewriteStatus::ok);  // echo reply
    EXPECT_NE(stored_l4_checksum(now()), stored_l4_checksum(f));
    EXPECT_TRUE(l4_checksum_ok(now()));
    EXPECT_TRUE(ref_ipv4_header_ok(now()));
}

// ------------------------------------------------------------------ row seed (partial)

TEST_F(RewriteFixture, Row_Seed_AddressFollowsL4FieldDoesNot) {
    for (const Proto pr : kPseudoCovered) {
        SCOPED_TRACE(::testing::Message() << "v" << pr.v << " proto " << int(pr.l4));
        const Frame f = build_frame(
            {.ip_version = pr.v, .l4 = pr.l4, .payload = make_payload(33), .csum = CsumFill::seed});
        load(f, partial_offload(f));
        ASSERT_EQ(set_l4_field(*p, parsed, pr.l4), RewriteStatus::ok);
        EXPECT_EQ(stored_l4_checksum(now()), ref_seed(f)) << "L4 bytes are summed at egress";
        ASSERT_EQ(set_src(*p, parsed, pr.v), RewriteStatus::ok);
        EXPECT_EQ(stored_l4_checksum(now()), ref_seed(now()));
        EXPECT_EQ(state(), CsumState::partial);
        ASSERT_EQ(complete_partial(*p, parsed), CompleteStatus::ok);
        EXPECT_TRUE(l4_checksum_ok(now()));
    }
}

// Partial ICMP and SCTP: nothing to keep up, egress computes everything (ICMP from 0, SCTP's
// CRC32c in software, case 15).
TEST_F(RewriteFixture, Row_Seed_IcmpAndSctpPartialAreLeftToCompletion) {
    for (std::uint8_t l4 : {kIcmp, kSctp}) {
        Frame f = build_frame({.l4 = l4, .payload = make_payload(24), .csum = CsumFill::seed});
        write_l4_checksum(f, 0);  // no pseudo-header: the sum starts from 0
        load(f, partial_offload(f));
        ASSERT_EQ(set_ipv4_src(*p, parsed, 0x0A0A0A0A), RewriteStatus::ok);
        ASSERT_EQ(l4 == kIcmp ? set_icmp_type(*p, parsed, 0) : set_l4_src_port(*p, parsed, 9),
                  RewriteStatus::ok);
        EXPECT_EQ(stored_l4_checksum(now()), 0u);
        EXPECT_EQ(state(), CsumState::partial);
        ASSERT_EQ(complete_partial(*p, parsed), CompleteStatus::ok);
        EXPECT_TRUE(l4_checksum_ok(now())) << int(l4);
    }
}

// ------------------------------------------------------------------ row crc32c (SCTP)

TEST_F(RewriteFixture, Row_Crc32c_PortRederivedErrorKeptAddressNotCovered) {
    for (int v : {4, 6}) {
        for (CsumFill fill : {CsumFill::correct, CsumFill::bad}) {
            const Frame f = build_frame(
                {.ip_version = v, .l4 = kSctp, .payload = make_payload(300), .csum = fill});
            load(f);
            const std::uint32_t before = badness(now());
            ASSERT_EQ(set_l4_src_port(*p, parsed, 2905), RewriteStatus::ok);
            ASSERT_EQ(set_l4_dst_port(*p, parsed, 38412), RewriteStatus::ok);
            EXPECT_EQ(badness(now()), before) << "XOR error of the CRC32c kept";
            EXPECT_EQ(fill == CsumFill::correct, l4_checksum_ok(now()));
            const std::uint32_t crc = stored_l4_checksum(now());
            ASSERT_EQ(set_src(*p, parsed, v), RewriteStatus::ok);  // not in SCTP's CRC
            EXPECT_EQ(stored_l4_checksum(now()), crc);
            EXPECT_EQ(state(), CsumState::none);
        }
    }
}

// ------------------------------------------------------------------ row zero_udp

TEST_F(RewriteFixture, Row_ZeroUdp_StaysZeroInEveryState_B12_B13) {
    for (int v : {4, 6}) {
        for (bool verified : {false, true}) {
            const Frame f = build_frame(
                {.ip_version = v, .l4 = kUdp, .payload = make_payload(20), .csum = CsumFill::zero});
            verified ? load_verified(f) : load(f);
            ASSERT_EQ(set_src(*p, parsed, v), RewriteStatus::ok);
            ASSERT_EQ(set_l4_src_port(*p, parsed, 53), RewriteStatus::ok);
            EXPECT_EQ(stored_l4_checksum(now()), 0u) << "v" << v << " never computed, never fixed";
            // Verified: changed bytes, and (IPv6) an invalid zero: not vouched for any more.
            EXPECT_EQ(state(), CsumState::none);
        }
    }
}

// ------------------------------------------------------------------ row to_partial (verified)

TEST_F(RewriteFixture, Row_ToPartial_EveryL4ProtocolAndBothKindsOfChange_C18_C22) {
    struct Case {
        int v;
        std::uint8_t l4;
        bool address;  // the change: an address (else an L4 field)
    };
    for (const Case c : {Case{4, kTcp, true}, Case{6, kTcp, false}, Case{4, kUdp, false},
                         Case{6, kUdp, true}, Case{6, kIcmpv6, true}, Case{4, kIcmp, false},
                         Case{6, kIcmpv6, false}, Case{4, kSctp, false}, Case{6, kSctp, false}}) {
        SCOPED_TRACE(::testing::Message() << "v" << c.v << " proto " << int(c.l4));
        const Frame f = build_frame({.ip_version = c.v, .l4 = c.l4, .payload = make_payload(50)});
        load_verified(f);
        ASSERT_EQ(c.address ? set_src(*p, parsed, c.v) : set_l4_field(*p, parsed, c.l4),
                  RewriteStatus::ok);
        ASSERT_EQ(state(), CsumState::partial);
        EXPECT_EQ(p->offload.csum_start, f.l4);
        EXPECT_EQ(p->offload.csum_offset, l4_csum_offset(c.l4));
        const bool seeded = c.l4 != kIcmp && c.l4 != kSctp;
        EXPECT_EQ(stored_l4_checksum(now()), seeded ? std::uint32_t{ref_seed(now())} : 0u);
        ASSERT_EQ(complete_partial(*p, parsed), CompleteStatus::ok);
        EXPECT_TRUE(l4_checksum_ok(now()));
        EXPECT_EQ(state(), CsumState::none) << "completed, not verified";
    }
}

// Changes no L4 checksum covers keep the mark: the bytes it vouches for are untouched.
TEST_F(RewriteFixture, Row_ToPartial_UncoveredChangesKeepVerified) {
    load_verified(build_frame({.l4 = kTcp, .payload = make_payload(30)}));
    ASSERT_EQ(set_eth_src(*p, parsed, kMac), RewriteStatus::ok);
    ASSERT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ok);
    ASSERT_EQ(set_tos(*p, parsed, 0xB8), RewriteStatus::ok);
    ASSERT_EQ(set_l4_dst_port(*p, parsed, 80), RewriteStatus::ok);  // the value it has
    EXPECT_EQ(state(), CsumState::verified);
    load_verified(build_frame({.ip_version = 6, .l4 = kUdp, .payload = make_payload(30)}));
    ASSERT_EQ(set_ipv6_flow_label(*p, parsed, 0xABCDE), RewriteStatus::ok);
    ASSERT_EQ(set_ttl(*p, parsed, 3), RewriteStatus::ok);
    ASSERT_EQ(set_ecn(*p, parsed, 3), RewriteStatus::ok);
    EXPECT_EQ(state(), CsumState::verified);
    for (std::uint8_t l4 : {kIcmp, kSctp}) {  // addresses are in neither checksum
        load_verified(build_frame({.l4 = l4, .payload = make_payload(30)}));
        ASSERT_EQ(set_ipv4_dst(*p, parsed, 0x01020304), RewriteStatus::ok);
        EXPECT_EQ(state(), CsumState::verified);
        EXPECT_TRUE(l4_checksum_ok(now()));
    }
}

// ------------------------------------------------------------------ fragments (case 24)

// A first fragment has the L4 header but not the datagram: verified cannot become partial
// (nothing could finish it), so the update is incremental and the mark goes.
TEST_F(RewriteFixture, Row_Internet_VerifiedFirstFragmentIsUpdatedAndUnmarked_C24) {
    Frame first = build_frame({.l4 = kUdp, .df = false, .payload = make_payload(64, 24)});
    const Frame whole = first;
    first.bytes.resize(first.payload + 24);
    wr16(first.bytes, first.l3 + 2, static_cast<std::uint16_t>(first.bytes.size() - first.l3));
    wr16(first.bytes, first.l3 + 6, 0x2000);  // MF
    first.l3_end = static_cast<std::uint32_t>(first.bytes.size());
    fix_ipv4_header_checksum(first);
    load_verified(first);
    ASSERT_EQ(set_l4_src_port(*p, parsed, 4000), RewriteStatus::ok);
    EXPECT_EQ(state(), CsumState::none);
    Frame expected = whole;
    wr16(expected.bytes, expected.l4, 4000);
    fill_l4_checksum(expected, CsumFill::correct);
    EXPECT_EQ(stored_l4_checksum(now()), stored_l4_checksum(expected));
}

TEST_F(RewriteFixture, Row_NoField_LaterFragment_C24) {
    const Frame later =
        build_frame({.l4 = kTcp, .df = false, .frag_offset = 8, .payload = make_payload(80)});
    load_verified(later);
    ASSERT_EQ(parsed.outer.l4, net::kAbsent);
    EXPECT_EQ(set_l4_src_port(*p, parsed, 1), RewriteStatus::later_fragment);
    EXPECT_EQ(set_icmp_type(*p, parsed, 1), RewriteStatus::not_icmp);
    ASSERT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ok);
    EXPECT_EQ(state(), CsumState::verified);
    ASSERT_EQ(set_ipv4_src(*p, parsed, 0x0B0B0B0B), RewriteStatus::ok);
    // The datagram's checksum covers the address (in the first fragment): mark gone.
    EXPECT_EQ(state(), CsumState::none);
    const Frame out = now();
    EXPECT_TRUE(ref_ipv4_header_ok(out));
    EXPECT_TRUE(std::equal(out.bytes.begin() + out.l3 + 20, out.bytes.end(),
                           later.bytes.begin() + later.l3 + 20));
    load(build_frame(
        {.l4 = kSctp, .df = false, .more_fragments = true, .payload = make_payload(40)}));
    EXPECT_EQ(set_l4_dst_port(*p, parsed, 1), RewriteStatus::unsupported_l4)
        << "a first fragment does not hold what SCTP's CRC covers";
}

// ------------------------------------------------------------------ IPv4 header (case 14)

TEST_F(RewriteFixture, Ipv4Header_EveryFieldGoodStaysGoodBadStaysAsBad_B14) {
    for (bool spoil : {false, true}) {
        Frame f = build_frame({.l4 = kUdp, .payload = make_payload(30)});
        if (spoil) f.bytes[f.l3 + 11] ^= 0x3C;
        load(f);
        const std::uint16_t before = ipv4_header_badness(f);
        ASSERT_EQ(set_ipv4_src(*p, parsed, 0xC0000201), RewriteStatus::ok);
        ASSERT_EQ(set_ipv4_dst(*p, parsed, 0xC6336407), RewriteStatus::ok);
        ASSERT_EQ(set_ttl(*p, parsed, 255), RewriteStatus::ok);
        ASSERT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ok);
        ASSERT_EQ(set_tos(*p, parsed, 0x2E), RewriteStatus::ok);
        ASSERT_EQ(set_dscp(*p, parsed, 10), RewriteStatus::ok);
        ASSERT_EQ(set_ecn(*p, parsed, 2), RewriteStatus::ok);
        EXPECT_EQ(ipv4_header_badness(now()), before);
        EXPECT_EQ(ref_ipv4_header_ok(now()), !spoil);
        EXPECT_TRUE(l4_checksum_ok(now()));
    }
}

// ------------------------------------------------------------------ IPv6 routing header

// The pseudo-header takes the final destination from a routing header with segments left:
// rewriting the IPv6 header's destination then changes no L4 checksum (RFC 8200 8.1).
TEST_F(RewriteFixture, Ipv6DestinationBehindARoutingHeaderIsNotInThePseudoHeader) {
    for (int segments_left : {0, 1}) {
        // Type 0 routing header with one address, between IPv6 and UDP.
        Frame f = build_frame({.ip_version = 6, .l4 = kUdp, .payload = make_payload(16)});
        std::vector<std::uint8_t> rh(24, 0);
        rh[0] = kUdp;
        rh[1] = 2;  // (2 + 1) * 8 = 24 bytes
        rh[3] = static_cast<std::uint8_t>(segments_left);
        rh[8] = 0xfd;
        rh[23] = 0x99;  // final destination fd00::99
        f.bytes.insert(f.bytes.begin() + f.l3 + 40, rh.begin(), rh.end());
        f.bytes[f.l3 + 6] = 43;
        wr16(f.bytes, f.l3 + 4, static_cast<std::uint16_t>(rd16(f.bytes, f.l3 + 4) + 24));
        f.l4 += 24, f.payload += 24, f.l3_end += 24, f.csum_field += 24;
        // The checksum a sender computes: over the final destination when segments are left.
        Frame sum = f;
        if (segments_left) std::copy(rh.begin() + 8, rh.end(), sum.bytes.begin() + sum.l3 + 24);
        fill_l4_checksum(sum, CsumFill::correct);
        wr16(f.bytes, f.csum_field, static_cast<std::uint16_t>(stored_l4_checksum(sum)));
        load(f);
        const std::uint32_t csum = stored_l4_checksum(f);
        ASSERT_EQ(set_ipv6_dst(*p, parsed, kV6), RewriteStatus::ok);
        EXPECT_EQ(stored_l4_checksum(now()) == csum, segments_left == 1);
        EXPECT_EQ(net::check_l4_checksum(p->bytes(), parsed.outer).verdict,
                  net::L4CsumVerdict::good);
    }
}

// ------------------------------------------------------------------ tunnels (case 30)

// Rewrites act on the outer headers. A VXLAN frame whose inner TCP checksum is partial: the
// outer UDP checksum is a full one (row internet), the inner seed is the inner headers'
// business and stays; an outer UDP checksum of 0 stays 0 through SNAT of the outer header.
TEST_F(RewriteFixture, Tunnel_OuterRewriteLeavesTheInnerPartialAlone_C30) {
    Frame inner = build_frame({.l4 = kTcp, .payload = make_payload(60), .csum = CsumFill::seed});
    for (bool outer_zero : {false, true}) {
        std::uint32_t shift = 0;
        Frame outer = build_vxlan({.ip4_src = {192, 0, 2, 1}}, inner, shift);
        if (outer_zero) write_l4_checksum(outer, 0);
        OffloadInfo o;
        o.csum = CsumState::partial;
        o.csum_start = static_cast<std::uint16_t>(shift + inner.l4);
        o.csum_offset = 16;
        load(outer, o);
        ASSERT_EQ(parsed.tunnel, net::TunnelKind::vxlan);
        ASSERT_EQ(set_ipv4_src(*p, parsed, 0xC6336401), RewriteStatus::ok);
        ASSERT_EQ(set_l4_src_port(*p, parsed, 61000), RewriteStatus::ok);  // outer UDP
        const Frame out = now();
        EXPECT_EQ(stored_l4_checksum(out), outer_zero ? 0u : ref_l4_checksum(out));
        EXPECT_TRUE(ref_ipv4_header_ok(out));
        EXPECT_EQ(rd16(out.bytes, shift + inner.csum_field), ref_seed(inner)) << "inner seed";
        EXPECT_EQ(state(), CsumState::partial);
        EXPECT_EQ(p->offload.csum_start, shift + inner.l4);
    }
}

// ------------------------------------------------------------------ super-frames

// A TSO/USO super-frame: rewriting the template is enough, every segment comes out right.
TEST_F(RewriteFixture, SuperFrame_RewrittenTemplateMakesEverySegmentRight) {
    PacketPool seg_pool(64, 2048);
    std::vector<Packet*> out(64);
    for (int v : {4, 6}) {
        for (std::uint8_t l4 : {kTcp, kUdp}) {
            for (bool verified : {false, true}) {
                const Frame f =
                    build_frame({.ip_version = v,
                                 .l4 = l4,
                                 .vlans = {5},
                                 .payload = make_payload(3000),
                                 .csum = verified ? CsumFill::correct : CsumFill::seed});
                OffloadInfo o = gso_offload(f, 1000);
                if (verified) o.csum = CsumState::verified;  // GRO'd
                load(f, o);
                ASSERT_EQ(set_src(*p, parsed, v), RewriteStatus::ok);
                ASSERT_EQ(set_l4_src_port(*p, parsed, 5555), RewriteStatus::ok);
                ASSERT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ok);
                ASSERT_EQ(state(), CsumState::partial);
                EXPECT_EQ(stored_l4_checksum(now()), ref_seed(now()));
                const GsoResult r = gso_segment(*p, parsed, seg_pool, out);
                ASSERT_EQ(r.status, GsoStatus::ok);
                ASSERT_EQ(r.count, 3u);
                for (std::uint32_t i = 0; i < r.count; ++i) {
                    const Frame s = frame_of(*out[i], f);
                    EXPECT_TRUE(l4_checksum_ok(s)) << "v" << v << " " << int(l4) << " seg " << i;
                    EXPECT_TRUE(ref_ipv4_header_ok(s));
                    EXPECT_EQ(rd16(s.bytes, s.l4), 5555);
                    seg_pool.free(out[i]);
                }
            }
        }
    }
}

}  // namespace
}  // namespace sy::offload
