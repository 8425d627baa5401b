// Header offsets for each protocol (frames from scapy, offsets counted by hand from the
// scapy expression), and bounds safety on every prefix of every valid frame.
#include "net/parse.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "net/hex.hpp"

namespace sy::net {
namespace {

using test::from_hex;

TEST(Parse, Ipv4TcpWithIpAndTcpOptions) {
    const auto f = from_hex(test::kTcp4WithOptions);
    const auto p = parse(f);
    ASSERT_TRUE(p.ok()) << to_string(p.status);
    EXPECT_EQ(p.outer.l2, 0u);
    EXPECT_EQ(p.outer.l3, 14u);
    EXPECT_EQ(p.outer.l3_kind, L3Kind::ipv4);
    EXPECT_EQ(p.outer.l4, 14u + 24u);
    EXPECT_EQ(p.outer.payload, 14u + 24u + 24u);
    EXPECT_EQ(p.outer.l3_end, f.size());
    EXPECT_EQ(p.outer.ip_proto, kIpProtoTcp);
    EXPECT_FALSE(p.outer.is_fragment);
    EXPECT_EQ(p.tunnel, TunnelKind::none);
}

TEST(Parse, Ipv6ExtensionHeadersThenUdp) {
    const auto f = from_hex(test::kUdp6ExtHeaders);
    const auto p = parse(f);
    ASSERT_TRUE(p.ok()) << to_string(p.status);
    EXPECT_EQ(p.outer.l3_kind, L3Kind::ipv6);
    EXPECT_EQ(p.outer.l4, 14u + 40u + 8u + 8u + 8u);
    EXPECT_EQ(p.outer.payload, p.outer.l4 + 8u);
    EXPECT_EQ(p.outer.ip_proto, kIpProtoUdp);
    EXPECT_EQ(p.outer.l3_end, f.size());
}

TEST(Parse, QinqIcmp) {
    const auto f = from_hex(test::kQinqIcmp);
    const auto p = parse(f);
    ASSERT_TRUE(p.ok()) << to_string(p.status);
    EXPECT_EQ(p.outer.vlan_count, 2);
    EXPECT_EQ(p.outer.vlan_tpid[0], 0x88A8);
    EXPECT_EQ(p.outer.vlan_tci[0] & 0x0FFF, 10);
    EXPECT_EQ(p.outer.vlan_tpid[1], 0x8100);
    EXPECT_EQ(p.outer.vlan_tci[1] & 0x0FFF, 20);
    EXPECT_EQ(p.outer.ethertype, 0x0800);
    EXPECT_EQ(p.outer.l3, 22u);
    EXPECT_EQ(p.outer.l4, 42u);
    EXPECT_EQ(p.outer.ip_proto, kIpProtoIcmp);
}

TEST(Parse, Ipv6FirstFragmentHasL4) {
    const auto f = from_hex(test::kIpv6FirstFragmentTcp);
    const auto p = parse(f);
    ASSERT_TRUE(p.ok()) << to_string(p.status);
    EXPECT_TRUE(p.outer.is_fragment);
    EXPECT_TRUE(p.outer.is_first_fragment);
    EXPECT_EQ(p.outer.l4, 14u + 48u);
    EXPECT_EQ(p.outer.ip_proto, kIpProtoTcp);
}

TEST(Parse, Ipv6LaterFragmentHasNoL4) {
    auto f = from_hex(test::kIpv6FirstFragmentTcp);
    f[14 + 40 + 3] = 0x08;  // fragment offset 1 (8 bytes), M=0
    const auto p = parse(f);
    ASSERT_TRUE(p.ok()) << to_string(p.status);
    EXPECT_TRUE(p.outer.is_fragment);
    EXPECT_FALSE(p.outer.is_first_fragment);
    EXPECT_EQ(p.outer.l4, kAbsent);
    EXPECT_EQ(p.outer.ip_proto, kIpProtoTcp);
}

TEST(Parse, Ipv6AtomicFragmentIsNotAFragment) {
    auto f = from_hex(test::kIpv6FirstFragmentTcp);
    f[14 + 40 + 3] = 0x00;  // offset 0, M=0
    const auto p = parse(f);
    ASSERT_TRUE(p.ok()) << to_string(p.status);
    EXPECT_FALSE(p.outer.is_fragment);
    EXPECT_EQ(p.outer.l4, 14u + 48u);
}

TEST(Parse, VxlanInnerFrame) {
    const auto f = from_hex(test::kVxlanTcp);
    const auto p = parse(f);
    ASSERT_TRUE(p.ok()) << to_string(p.status);
    EXPECT_EQ(p.tunnel, TunnelKind::vxlan);
    EXPECT_EQ(p.vni, 42u);
    EXPECT_EQ(p.tunnel_offset, 42u);
    EXPECT_EQ(p.inner.l2, 50u);
    EXPECT_EQ(p.inner.l3, 64u);
    EXPECT_EQ(p.inner.l4, 84u);
    EXPECT_EQ(p.inner.ip_proto, kIpProtoTcp);
    EXPECT_EQ(&p.innermost(), &p.inner);
}

TEST(Parse, GeneveWithOptionsInnerIpv6) {
    const auto f = from_hex(test::kGeneveIcmpv6);
    const auto p = parse(f);
    ASSERT_TRUE(p.ok()) << to_string(p.status);
    EXPECT_EQ(p.tunnel, TunnelKind::geneve);
    EXPECT_EQ(p.vni, 7u);
    EXPECT_EQ(p.inner.l2, 42u + 16u);
    EXPECT_EQ(p.inner.l3, 42u + 16u + 14u);
    EXPECT_EQ(p.inner.ip_proto, kIpProtoIcmpv6);
}

TEST(Parse, TunnelsCanBeIgnored) {
    const auto f = from_hex(test::kVxlanTcp);
    ParseOptions opt;
    opt.parse_tunnels = false;
    const auto p = parse(f, opt);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p.tunnel, TunnelKind::none);
}

TEST(Parse, Arp) {
    const auto f = from_hex(test::kArp);
    const auto p = parse(f);
    ASSERT_TRUE(p.ok()) << to_string(p.status);
    EXPECT_EQ(p.outer.l3_kind, L3Kind::arp);
    EXPECT_EQ(p.outer.l3, 14u);
    EXPECT_EQ(p.outer.l3_end, 42u);
}

TEST(Parse, RawIp) {
    const auto f = from_hex(test::kTcp4WithOptions);
    ParseOptions opt;
    opt.link = LinkType::raw_ip;
    const auto p = parse(std::span(f).subspan(14), opt);
    ASSERT_TRUE(p.ok()) << to_string(p.status);
    EXPECT_EQ(p.outer.l2, kAbsent);
    EXPECT_EQ(p.outer.l3, 0u);
    EXPECT_EQ(p.outer.l4, 24u);
}

void expect_within(const HeaderLayers& h, std::size_t n) {
    for (std::uint32_t off : {h.l2, h.l3, h.l4, h.payload}) {
        if (off != kAbsent) {
            EXPECT_LE(off, n);
        }
    }
}

// Every prefix of every valid frame, copied into a heap block of exactly that size so ASan
// catches any read past the end.
TEST(Parse, EveryPrefixIsSafe) {
    for (auto hex :
         {test::kTcp4WithOptions, test::kUdp6ExtHeaders, test::kQinqIcmp,
          test::kIpv6FirstFragmentTcp, test::kVxlanTcp, test::kGeneveIcmpv6, test::kArp}) {
        const auto f = from_hex(hex);
        ASSERT_TRUE(parse(f).ok());
        for (std::size_t n = 0; n < f.size(); ++n) {
            auto exact = std::make_unique<std::uint8_t[]>(n);
            std::copy_n(f.begin(), n, exact.get());
            const auto p = parse({exact.get(), n});
            expect_within(p.outer, n);
            if (p.tunnel != TunnelKind::none) {
                expect_within(p.inner, n);
            }
        }
    }
}

TEST(Parse, MalformedHeadersAreReported) {
    auto f = from_hex(test::kTcp4WithOptions);
    f[14] = 0x44;  // IHL 4
    EXPECT_EQ(parse(f).status, ParseStatus::bad_l3);
    f = from_hex(test::kTcp4WithOptions);
    f[14] = 0x55;  // version 5
    EXPECT_EQ(parse(f).status, ParseStatus::bad_l3);
    f = from_hex(test::kTcp4WithOptions);
    f[14 + 24 + 12] = 0x40;  // TCP data offset 4
    EXPECT_EQ(parse(f).status, ParseStatus::bad_l4);
    f = from_hex(test::kTcp4WithOptions);
    f[14 + 3] = 10;  // total length 10 < IHL
    EXPECT_EQ(parse(f).status, ParseStatus::bad_l3);
}

TEST(Parse, ThreeVlanTagsAreTooMany) {
    auto f = from_hex(test::kQinqIcmp);
    // Insert a third 802.1Q tag after the second.
    const std::uint8_t tag[] = {0x81, 0x00, 0x00, 0x1e};
    f.insert(f.begin() + 16, tag, tag + 4);
    EXPECT_EQ(parse(f).status, ParseStatus::too_many_vlans);
}

// parse_into resets what it writes into: a ParsedHeaders reused across packets (as a
// packet's metadata is) holds nothing of the previous frame, field for field.
TEST(Parse, ParseIntoAReusedResultEqualsAFreshParse) {
    const std::string_view frames[] = {test::kVxlanTcp,     test::kQinqIcmp,
                                       test::kGeneveIcmpv6, test::kIpv4LaterFragment,
                                       test::kArp,          test::kTcp4WithOptions};
    ParsedHeaders reused;
    for (std::string_view before : frames) {
        for (std::string_view now : frames) {
            const auto a = from_hex(before), b = from_hex(now);
            parse_into(a, reused);
            parse_into(std::span(b).first(b.size() - 1), reused);  // a cut frame too
            parse_into(b, reused);
            EXPECT_TRUE(reused == parse(b)) << before << " then " << now;
        }
    }
}

// The straight-line parse of the common case (untagged IPv4 TCP/UDP) answers exactly as the
// general one, on the frames it takes and on every way of breaking them: each prefix, and
// each byte of the headers set to values that matter (0, 0xff, and the byte +-1, +-16).
TEST(Parse, CommonCaseFastPathAgreesWithTheGeneralParse) {
    const ParseOptions general{.common_case_fast = false};
    std::size_t compared = 0;
    for (std::string_view hex : {test::kTcp4WithOptions, test::kUdp4ZeroChecksum, test::kTcp4Syn40,
                                 test::kVxlanTcp, test::kIpv4LaterFragment, test::kQinqIcmp}) {
        const auto base = from_hex(hex);
        auto check = [&](std::span<const std::uint8_t> f) {
            EXPECT_TRUE(parse(f) == parse(f, general)) << hex;
            ++compared;
        };
        for (std::size_t n = 0; n <= base.size(); ++n) check(std::span(base).first(n));
        for (std::size_t at = 0; at < std::min<std::size_t>(base.size(), 14 + 60 + 24); ++at) {
            for (int v : {0, 0xff, base[at] + 1, base[at] - 1, base[at] + 16, base[at] - 16}) {
                auto f = base;
                f[at] = static_cast<std::uint8_t>(v);
                check(f);
            }
        }
    }
    EXPECT_GT(compared, 2000u);
}

}  // namespace
}  // namespace sy::net
