// L4 checksum verdicts and computation on scapy-built frames (scapy's stored checksums are
// the expected values), plus the rules: UDP zero over v4/v6, computed 0 sent as 0xFFFF, the
// TX-offload seed fingerprint, snaplen and fragments.
#include "net/l4_checksum.hpp"

#include <gtest/gtest.h>

#include "base/bytes.hpp"
#include "net/checksum.hpp"
#include "net/hex.hpp"

namespace sy::net {
namespace {

using test::from_hex;

struct Parsed {
    std::vector<std::uint8_t> frame;
    ParsedHeaders headers;
};

Parsed parsed(std::string_view hex) {
    Parsed p{from_hex(hex), {}};
    p.headers = parse(p.frame);
    EXPECT_TRUE(p.headers.ok()) << to_string(p.headers.status);
    return p;
}

std::uint32_t field_at(const Parsed& p) {
    const auto& h = p.headers.innermost();
    return h.l4 + l4_checksum_field_offset(h.ip_proto);
}

TEST(L4Checksum, ScapyFramesAreGood) {
    for (auto hex :
         {test::kTcp4WithOptions, test::kUdp6ExtHeaders, test::kQinqIcmp, test::kVxlanTcp,
          test::kGeneveIcmpv6, test::kUdp6RoutingSegmentsLeft, test::kTcp4Syn40}) {
        auto p = parsed(hex);
        const auto c = check_l4_checksum(p.frame, p.headers.innermost());
        EXPECT_EQ(c.verdict, L4CsumVerdict::good) << hex << " " << to_string(c.verdict);
        EXPECT_EQ(c.stored, c.expected);
        EXPECT_EQ(c.stored, load_be16(&p.frame[field_at(p)]));
        // The outer UDP of a tunnel is checked too.
        if (p.headers.tunnel != TunnelKind::none) {
            EXPECT_EQ(check_l4_checksum(p.frame, p.headers.outer).verdict, L4CsumVerdict::good);
        }
    }
}

TEST(L4Checksum, RecomputationReproducesScapyBytes) {
    for (auto hex : {test::kTcp4WithOptions, test::kUdp6ExtHeaders, test::kQinqIcmp,
                     test::kGeneveIcmpv6, test::kUdp6RoutingSegmentsLeft, test::kTcp4Syn40}) {
        auto p = parsed(hex);
        const auto original = p.frame;
        store_be16(&p.frame[field_at(p)], 0x1234);
        EXPECT_EQ(check_l4_checksum(p.frame, p.headers.innermost()).verdict, L4CsumVerdict::bad);
        ASSERT_TRUE(write_l4_checksum(p.frame, p.headers.innermost()));
        EXPECT_EQ(p.frame, original) << hex;
    }
}

TEST(L4Checksum, CorruptedPayloadIsBadAndExpectedIsUnchanged) {
    auto p = parsed(test::kTcp4WithOptions);
    const auto before = check_l4_checksum(p.frame, p.headers.outer);
    p.frame[p.headers.outer.payload] ^= 0x01;
    const auto after = check_l4_checksum(p.frame, p.headers.outer);
    EXPECT_EQ(after.verdict, L4CsumVerdict::bad);
    EXPECT_EQ(after.stored, before.stored);
    EXPECT_NE(after.expected, before.expected);
}

TEST(L4Checksum, RoutingHeaderFinalDestinationMatters) {
    auto p = parsed(test::kUdp6RoutingSegmentsLeft);
    // With segments left 0 the header's own destination is final: the scapy checksum (made
    // for fd00::99) no longer matches.
    p.frame[14 + 40 + 3] = 0;
    EXPECT_EQ(check_l4_checksum(p.frame, p.headers.outer).verdict, L4CsumVerdict::bad);
}

TEST(L4Checksum, Udp4ZeroMeansNoChecksum) {
    auto p = parsed(test::kUdp4ZeroChecksum);
    const auto c = check_l4_checksum(p.frame, p.headers.outer);
    EXPECT_EQ(c.verdict, L4CsumVerdict::zero_no_checksum);
    EXPECT_EQ(c.stored, 0);
}

TEST(L4Checksum, Udp6ZeroIsIllegal) {
    auto p = parsed(test::kUdp6ZeroChecksum);
    EXPECT_EQ(check_l4_checksum(p.frame, p.headers.outer).verdict, L4CsumVerdict::illegal_zero);
    // Writing a checksum fixes it, and never writes 0.
    ASSERT_TRUE(write_l4_checksum(p.frame, p.headers.outer));
    EXPECT_EQ(check_l4_checksum(p.frame, p.headers.outer).verdict, L4CsumVerdict::good);
}

// Adjust one payload word so the UDP checksum computes to exactly 0 (the sum becomes all
// ones), then require 0xFFFF on the wire, over IPv4 and IPv6.
void expect_computed_zero_sent_as_ffff(std::string_view hex) {
    auto p = parsed(hex);
    const auto& h = p.headers.outer;
    ASSERT_TRUE(write_l4_checksum(p.frame, h));
    const std::uint16_t c = load_be16(&p.frame[h.l4 + 6]);
    std::uint8_t* word = &p.frame[h.payload];
    store_be16(word, fold(std::uint32_t{load_be16(word)} + c));
    ASSERT_TRUE(write_l4_checksum(p.frame, h));
    EXPECT_EQ(load_be16(&p.frame[h.l4 + 6]), 0xFFFF) << hex;
    const auto check = check_l4_checksum(p.frame, h);
    EXPECT_EQ(check.verdict, L4CsumVerdict::good);
    EXPECT_EQ(check.expected, 0xFFFF);
    // The one's-complement twin 0x0000 is "no checksum" (v4) or illegal (v6), never good.
    store_be16(&p.frame[h.l4 + 6], 0);
    EXPECT_NE(check_l4_checksum(p.frame, h).verdict, L4CsumVerdict::good);
}

TEST(L4Checksum, UdpComputedZeroIsSentAsFfff) {
    expect_computed_zero_sent_as_ffff(test::kUdp4ZeroChecksum);
    expect_computed_zero_sent_as_ffff(test::kUdp6ZeroChecksum);
}

TEST(L4Checksum, TcpNegativeZeroIsAccepted) {
    // A TCP segment whose checksum computes to 0: 0xFFFF is the same number, a receiver
    // accepts it, so we call it good (but expected stays the computed 0).
    auto p = parsed(test::kTcp4Syn40);
    const auto& h = p.headers.outer;
    const std::uint16_t c = load_be16(&p.frame[h.l4 + 16]);
    std::uint8_t* word = &p.frame[h.l4 + 4];  // sequence number
    store_be16(word, fold(std::uint32_t{load_be16(word)} + c));
    ASSERT_TRUE(write_l4_checksum(p.frame, h));
    EXPECT_EQ(load_be16(&p.frame[h.l4 + 16]), 0x0000);
    store_be16(&p.frame[h.l4 + 16], 0xFFFF);
    EXPECT_EQ(check_l4_checksum(p.frame, h).verdict, L4CsumVerdict::good);
}

TEST(L4Checksum, PartialSeedFingerprint) {
    auto p = parsed(test::kTcp4Syn40);
    const auto& h = p.headers.outer;
    EXPECT_EQ(fold(l4_pseudo_sum(p.frame, h)), 0x15c1);  // docs/checksum-cases.md
    ASSERT_TRUE(write_l4_partial_seed(p.frame, h));
    EXPECT_EQ(load_be16(&p.frame[h.l4 + 16]), 0x15c1);
    const auto c = check_l4_checksum(p.frame, h);
    EXPECT_EQ(c.verdict, L4CsumVerdict::partial_seed);
    EXPECT_EQ(c.seed, 0x15c1);
    EXPECT_EQ(c.expected, 0x75dc);  // scapy's value
}

TEST(L4Checksum, SeedOnUdp6AndIcmpv6) {
    for (auto hex : {test::kUdp6ExtHeaders, test::kGeneveIcmpv6}) {
        auto p = parsed(hex);
        const auto& h = p.headers.innermost();
        ASSERT_TRUE(write_l4_partial_seed(p.frame, h));
        EXPECT_EQ(check_l4_checksum(p.frame, h).verdict, L4CsumVerdict::partial_seed);
    }
}

TEST(L4Checksum, IcmpV4HasNoSeed) {
    auto p = parsed(test::kQinqIcmp);
    EXPECT_EQ(l4_pseudo_sum(p.frame, p.headers.outer), 0u);
    EXPECT_FALSE(write_l4_partial_seed(p.frame, p.headers.outer));
}

TEST(L4Checksum, SnaplenCutIsUnverifiable) {
    auto p = parsed(test::kTcp4WithOptions);
    for (std::size_t cut = 1; cut <= 5; ++cut) {
        std::span<const std::uint8_t> shorter(p.frame.data(), p.frame.size() - cut);
        const auto reparsed = parse(shorter);
        ASSERT_TRUE(reparsed.ok());
        const auto c = check_l4_checksum(shorter, reparsed.outer);
        EXPECT_EQ(c.verdict, L4CsumVerdict::unverifiable);
        EXPECT_EQ(c.stored, load_be16(&p.frame[reparsed.outer.l4 + 16]));
    }
}

TEST(L4Checksum, EthernetPaddingIsIgnored) {
    auto p = parsed(test::kUdp4ZeroChecksum);
    ASSERT_TRUE(write_l4_checksum(p.frame, p.headers.outer));
    p.frame.resize(60, 0xAB);  // pad to the Ethernet minimum with junk
    const auto reparsed = parse(p.frame);
    EXPECT_EQ(check_l4_checksum(p.frame, reparsed.outer).verdict, L4CsumVerdict::good);
}

TEST(L4Checksum, FragmentsAreUnverifiable) {
    auto later = parsed(test::kIpv4LaterFragment);
    EXPECT_EQ(check_l4_checksum(later.frame, later.headers.outer).verdict,
              L4CsumVerdict::unverifiable);
    EXPECT_FALSE(write_l4_checksum(later.frame, later.headers.outer));
    auto first = parsed(test::kIpv6FirstFragmentTcp);
    EXPECT_EQ(check_l4_checksum(first.frame, first.headers.outer).verdict,
              L4CsumVerdict::unverifiable);
}

TEST(L4Checksum, NonL4IsNotApplicable) {
    auto p = parsed(test::kArp);
    EXPECT_EQ(check_l4_checksum(p.frame, p.headers.outer).verdict, L4CsumVerdict::not_applicable);
    EXPECT_FALSE(write_l4_checksum(p.frame, p.headers.outer));
    EXPECT_EQ(check_l4_checksum(p.frame, HeaderLayers{}).verdict, L4CsumVerdict::not_applicable);
}

TEST(L4Checksum, LayersPointingOutsideTheFrameAreRejected) {
    auto p = parsed(test::kTcp4WithOptions);
    HeaderLayers h = p.headers.outer;
    h.l4 = 1000;
    EXPECT_EQ(check_l4_checksum(p.frame, h).verdict, L4CsumVerdict::not_applicable);
    h = p.headers.outer;
    h.l3_end = h.l4 + 3;  // datagram ends before the checksum field
    EXPECT_EQ(check_l4_checksum(p.frame, h).verdict, L4CsumVerdict::not_applicable);
    EXPECT_FALSE(write_l4_checksum(p.frame, h));
}

TEST(Ipv4HeaderChecksum, VerifyAndWrite) {
    auto p = parsed(test::kTcp4WithOptions);  // 24-byte header with options
    const auto& h = p.headers.outer;
    EXPECT_TRUE(ipv4_header_checksum_ok(p.frame, h));
    const auto original = p.frame;
    p.frame[h.l3 + 8] -= 1;  // TTL
    EXPECT_FALSE(ipv4_header_checksum_ok(p.frame, h));
    p.frame[h.l3 + 8] += 1;
    p.frame[h.l3 + 10] = p.frame[h.l3 + 11] = 0;
    ASSERT_TRUE(write_ipv4_header_checksum(p.frame, h));
    EXPECT_EQ(p.frame, original);
    auto v6 = parsed(test::kUdp6ZeroChecksum);
    EXPECT_FALSE(ipv4_header_checksum_ok(v6.frame, v6.headers.outer));
    EXPECT_FALSE(write_ipv4_header_checksum(v6.frame, v6.headers.outer));
}

}  // namespace
}  // namespace sy::net
