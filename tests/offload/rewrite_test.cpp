#include "offload/rewrite.hpp"

#include <gtest/gtest.h>

#include <random>

#include "net/checksum_update.hpp"
#include "net/parse.hpp"
#include "offload/csum_complete.hpp"
#include "offload/rewrite_fixture.hpp"

namespace sy::offload {
namespace {

using namespace testing;

// Applies a random address or port rewrite (all apply to TCP/UDP frames).
void random_rewrite(Packet& p, const net::ParsedHeaders& parsed, std::mt19937& rng, int v) {
    switch (rng() % 4) {
        case 0:
            if (v == 4) {
                ASSERT_EQ(set_ipv4_src(p, parsed, static_cast<std::uint32_t>(rng())),
                          RewriteStatus::ok);
            } else {
                ASSERT_EQ(set_ipv6_src(p, parsed, random_v6(rng).data()), RewriteStatus::ok);
            }
            break;
        case 1:
            if (v == 4) {
                ASSERT_EQ(set_ipv4_dst(p, parsed, static_cast<std::uint32_t>(rng())),
                          RewriteStatus::ok);
            } else {
                ASSERT_EQ(set_ipv6_dst(p, parsed, random_v6(rng).data()), RewriteStatus::ok);
            }
            break;
        case 2:
            ASSERT_EQ(set_l4_src_port(p, parsed, static_cast<std::uint16_t>(rng())),
                      RewriteStatus::ok);
            break;
        default:
            ASSERT_EQ(set_l4_dst_port(p, parsed, static_cast<std::uint16_t>(rng())),
                      RewriteStatus::ok);
            break;
    }
}

// C21: on `none`, incremental updates equal full recomputation for good packets, for any
// sequence of address and port rewrites; and a bad checksum stays exactly as bad (D: never
// launder). The state stays none.
TEST_F(RewriteFixture, C21_IncrementalEqualsRecomputationAndBadStaysBad) {
    std::mt19937 rng(21);
    for (int i = 0; i < 600; ++i) {
        const int v = i % 2 ? 6 : 4;
        const std::uint8_t proto = (i / 2) % 2 ? kUdp : kTcp;
        const CsumFill fill = (i / 4) % 3 == 0 ? CsumFill::bad : CsumFill::correct;
        load(build_frame(
            {.ip_version = v, .l4 = proto, .payload = make_payload(rng() % 300, i), .csum = fill}));
        const std::uint32_t before = badness(now());
        for (int k = 0; k < 1 + i % 7; ++k) random_rewrite(*p, parsed, rng, v);
        const Frame after = now();
        EXPECT_EQ(badness(after), before) << i;
        if (proto == kUdp) {
            EXPECT_NE(stored_l4_checksum(after), 0u) << i;  // 0 is "none"
        }
        EXPECT_TRUE(ref_ipv4_header_ok(after)) << i;
        EXPECT_EQ(state(), CsumState::none);
    }
}

// C18/C22: a verified packet whose ports or addresses change is not verified any more: it
// becomes partial with the seed of the new headers, and egress's completion is right.
TEST_F(RewriteFixture, C18_VerifiedBecomesPartialWithTheNewSeed) {
    std::mt19937 rng(18);
    for (int i = 0; i < 200; ++i) {
        const int v = i % 2 ? 6 : 4;
        const std::uint8_t proto = (i / 2) % 2 ? kUdp : kTcp;
        load_verified(build_frame({.ip_version = v,
                                   .l4 = proto,
                                   .vlans = {static_cast<std::uint16_t>(i % 3)},
                                   .payload = make_payload(rng() % 300, i)}));
        for (int k = 0; k < 1 + i % 5; ++k) random_rewrite(*p, parsed, rng, v);
        ASSERT_EQ(state(), CsumState::partial) << i;
        EXPECT_EQ(p->offload.csum_start, layout.l4);
        EXPECT_EQ(p->offload.csum_offset, l4_csum_offset(proto));
        EXPECT_EQ(stored_l4_checksum(now()), ref_seed(now())) << i;
        ASSERT_EQ(complete_partial(*p, parsed), CompleteStatus::ok);
        EXPECT_TRUE(l4_checksum_ok(now())) << i;
    }
}

TEST_F(RewriteFixture, C21_SameValueChangesNothing) {
    const Frame f = build_frame({.payload = make_payload(10)});
    load(f);
    ASSERT_EQ(set_ipv4_src(*p, parsed, 0x0AC80001), RewriteStatus::ok);  // 10.200.0.1 already
    ASSERT_EQ(set_l4_dst_port(*p, parsed, 80), RewriteStatus::ok);
    EXPECT_EQ(now().bytes, f.bytes);
}

// C18: on a partial packet addresses change the seed (add/subtract), ports do not; the
// completed checksum equals one computed from scratch.
TEST_F(RewriteFixture, C18_PartialSeedFollowsAddressesNotPorts) {
    for (int v : {4, 6}) {
        for (std::uint8_t proto : {kTcp, kUdp}) {
            const Frame f = build_frame({.ip_version = v,
                                         .l4 = proto,
                                         .vlans = {7},
                                         .payload = make_payload(77),
                                         .csum = CsumFill::seed});
            load(f, partial_offload(f));
            std::mt19937 rng(18 + v + proto);
            ASSERT_EQ(set_l4_src_port(*p, parsed, 1234), RewriteStatus::ok);
            EXPECT_EQ(stored_l4_checksum(now()), ref_seed(f)) << "ports must not touch a seed";
            for (int k = 0; k < 5; ++k) random_rewrite(*p, parsed, rng, v);
            EXPECT_EQ(stored_l4_checksum(now()), ref_seed(now())) << v << int(proto);
            EXPECT_EQ(p->offload.csum, CsumState::partial);
            ASSERT_EQ(complete_partial(*p, parsed), CompleteStatus::ok);
            EXPECT_TRUE(l4_checksum_ok(now()));
        }
    }
}

// C19 (negative): treating the seed as a full checksum (RFC 1624 on it) gives a wrong seed.
// This is what the state tracking above prevents.
TEST_F(RewriteFixture, C19_Rfc1624OnASeedIsWrong) {
    const Frame f = build_frame({.csum = CsumFill::seed});
    load(f, partial_offload(f));
    const std::uint32_t old_src = 0x0AC80001, new_src = 0x0AC80063;
    const std::uint16_t misapplied = net::csum_update32(ref_seed(f), old_src, new_src);
    ASSERT_EQ(set_ipv4_src(*p, parsed, new_src), RewriteStatus::ok);
    EXPECT_EQ(stored_l4_checksum(now()), ref_seed(now()));
    EXPECT_NE(misapplied, ref_seed(now()));
}

// B12: UDP checksum field 0 stays 0 through any number of NAT rewrites (v4: no checksum;
// v6 zero-checksum tunnels, RFC 6935).
TEST_F(RewriteFixture, B12_UdpZeroChecksumStaysZero) {
    for (int v : {4, 6}) {
        load(build_frame(
            {.ip_version = v, .l4 = kUdp, .payload = make_payload(20), .csum = CsumFill::zero}));
        std::mt19937 rng(12);
        for (int k = 0; k < 20; ++k) random_rewrite(*p, parsed, rng, v);
        EXPECT_EQ(stored_l4_checksum(now()), 0u);
        EXPECT_TRUE(ref_ipv4_header_ok(now()));
    }
}

// C22/B14: TTL, DSCP, ECN: IPv4 header checksum right when it was right, as wrong when it
// was wrong; L4 untouched (none of them is in a pseudo-header).
TEST_F(RewriteFixture, C22_TtlDscpEcnKeepIpv4HeaderChecksum) {
    const Frame f = build_frame({.tos = 0x03, .payload = make_payload(30)});
    load(f);
    ASSERT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ok);
    ASSERT_EQ(set_dscp(*p, parsed, 46), RewriteStatus::ok);
    ASSERT_EQ(set_ecn(*p, parsed, 1), RewriteStatus::ok);
    Frame out = now();
    EXPECT_EQ(out.bytes[out.l3 + 8], 63);
    EXPECT_EQ(out.bytes[out.l3 + 1], (46 << 2) | 1);
    EXPECT_TRUE(ref_ipv4_header_ok(out));
    EXPECT_EQ(stored_l4_checksum(out), stored_l4_checksum(f));
    EXPECT_TRUE(l4_checksum_ok(out));

    Frame bad = f;
    bad.bytes[bad.l3 + 10] ^= 0x11;
    load(bad);
    ASSERT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ok);
    out = now();
    EXPECT_FALSE(ref_ipv4_header_ok(out));
    EXPECT_EQ(ipv4_header_badness(out), ipv4_header_badness(bad));
}

TEST_F(RewriteFixture, C22_Ipv6HopLimitAndTrafficClass) {
    const Frame f =
        build_frame({.ip_version = 6, .ttl = 2, .tos = 0xA5, .payload = make_payload(30)});
    load(f);
    ASSERT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ok);
    EXPECT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ttl_expired);
    ASSERT_EQ(set_dscp(*p, parsed, 0x3F), RewriteStatus::ok);
    const Frame out = now();
    EXPECT_EQ(out.bytes[out.l3 + 7], 1);
    EXPECT_EQ(out.bytes[out.l3] >> 4, 6);
    EXPECT_EQ(((out.bytes[out.l3] & 0x0F) << 4) | (out.bytes[out.l3 + 1] >> 4), 0xFD);
    EXPECT_EQ(out.bytes[out.l3 + 1] & 0x0F, f.bytes[f.l3 + 1] & 0x0F);  // flow label kept
    EXPECT_TRUE(l4_checksum_ok(out));
    EXPECT_EQ(set_ecn(*p, parsed, 4), RewriteStatus::bad_value);
}

TEST_F(RewriteFixture, TtlExpiredLeavesThePacketAlone) {
    const Frame f = build_frame({.ttl = 1});
    load(f);
    EXPECT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ttl_expired);
    EXPECT_EQ(now().bytes, f.bytes);
}

// C24: address rewrite on fragments: the first fragment's L4 checksum (over the whole
// datagram) is updated; a later fragment's payload is untouched.
TEST_F(RewriteFixture, C24_OnlyTheFirstFragmentCarriesTheL4Checksum) {
    const std::vector<std::uint8_t> payload = make_payload(64, 24);
    const Frame whole = build_frame({.l4 = kUdp, .df = false, .payload = payload});
    // First fragment: the UDP header plus 24 payload bytes (32 bytes = 4 units), MF set.
    Frame first = whole;
    first.bytes.resize(first.payload + 24);
    wr16(first.bytes, first.l3 + 2, static_cast<std::uint16_t>(first.bytes.size() - first.l3));
    wr16(first.bytes, first.l3 + 6, 0x2000);
    first.l3_end = static_cast<std::uint32_t>(first.bytes.size());
    fix_ipv4_header_checksum(first);
    load(first);
    ASSERT_TRUE(parsed.outer.is_first_fragment);
    ASSERT_EQ(set_ipv4_dst(*p, parsed, 0x0AC80009), RewriteStatus::ok);
    Frame expected = whole;
    wr16(expected.bytes, expected.l3 + 18, 0x0009);
    fill_l4_checksum(expected, CsumFill::correct);
    EXPECT_EQ(stored_l4_checksum(now()), stored_l4_checksum(expected));
    EXPECT_TRUE(ref_ipv4_header_ok(now()));

    const Frame later =
        build_frame({.l4 = kUdp, .df = false, .frag_offset = 4, .payload = payload});
    load(later);
    ASSERT_EQ(parsed.outer.l4, net::kAbsent);
    ASSERT_EQ(set_ipv4_dst(*p, parsed, 0x0AC80009), RewriteStatus::ok);
    EXPECT_EQ(set_l4_dst_port(*p, parsed, 9), RewriteStatus::later_fragment);
    const Frame out = now();
    EXPECT_TRUE(std::equal(out.bytes.begin() + out.l3 + 20, out.bytes.end(),
                           later.bytes.begin() + later.l3 + 20));
    EXPECT_TRUE(ref_ipv4_header_ok(out));
}

TEST_F(RewriteFixture, WrongFamilyIsRefused) {
    load(build_frame({.ip_version = 6}));
    EXPECT_EQ(set_ipv4_src(*p, parsed, 1), RewriteStatus::not_ipv4);
    load(build_frame({}));
    const std::uint8_t a[16] = {};
    EXPECT_EQ(set_ipv6_src(*p, parsed, a), RewriteStatus::not_ipv6);
    load(build_frame({.l4 = kIcmp, .payload = make_payload(8)}));
    EXPECT_EQ(set_l4_src_port(*p, parsed, 5), RewriteStatus::no_ports);
}

}  // namespace
}  // namespace sy::offload
