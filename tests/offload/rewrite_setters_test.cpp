// The setters themselves: each writes exactly its field (bit positions of the shared bytes
// included) and refuses, by name, what it cannot do, leaving the packet untouched.

#include <gtest/gtest.h>

#include "offload/rewrite.hpp"
#include "offload/rewrite_fixture.hpp"

namespace sy::offload {
namespace {

using namespace testing;

constexpr std::uint8_t kMac[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

// The byte offsets where `a` and `b` differ.
std::vector<std::size_t> diff(const std::vector<std::uint8_t>& a,
                              const std::vector<std::uint8_t>& b) {
    std::vector<std::size_t> d;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        if (a[i] != b[i]) d.push_back(i);
    }
    return d;
}

// An Ethernet/IPv4 ARP request, with `vlans` tags.
Frame arp_frame(std::vector<std::uint16_t> vlans = {}) {
    Frame f = build_frame({.vlans = vlans});
    f.bytes.resize(f.l3 + 28);
    f.bytes[f.l3 - 2] = 0x08;
    f.bytes[f.l3 - 1] = 0x06;
    const std::uint8_t arp[28] = {0, 1, 8, 0, 6, 4, 0,  1,         // Ethernet, IPv4, request
                                  2, 0, 0, 0, 0, 1, 10, 0, 0, 1,   // sha, spa
                                  0, 0, 0, 0, 0, 0, 10, 0, 0, 2};  // tha, tpa
    std::copy(arp, arp + 28, f.bytes.begin() + f.l3);
    f.l3_end = f.l3 + 28;
    return f;
}

TEST_F(RewriteFixture, EthernetAddressesWithAndWithoutVlans) {
    for (std::vector<std::uint16_t> vlans : {std::vector<std::uint16_t>{}, {7}, {7, 9}}) {
        const Frame f = build_frame({.vlans = vlans, .payload = make_payload(9)});
        load(f);
        ASSERT_EQ(set_eth_dst(*p, parsed, kMac), RewriteStatus::ok);
        ASSERT_EQ(set_eth_src(*p, parsed, kMac), RewriteStatus::ok);
        const Frame out = now();
        EXPECT_TRUE(std::equal(kMac, kMac + 6, out.bytes.begin()));
        EXPECT_TRUE(std::equal(kMac, kMac + 6, out.bytes.begin() + 6));
        EXPECT_TRUE(std::equal(out.bytes.begin() + 12, out.bytes.end(), f.bytes.begin() + 12));
    }
}

TEST_F(RewriteFixture, ArpFields) {
    const Frame f = arp_frame({3});
    load(f);
    ASSERT_EQ(set_arp_op(*p, parsed, 2), RewriteStatus::ok);
    ASSERT_EQ(set_arp_sha(*p, parsed, kMac), RewriteStatus::ok);
    ASSERT_EQ(set_arp_spa(*p, parsed, 0xC0A80001), RewriteStatus::ok);
    ASSERT_EQ(set_arp_tha(*p, parsed, kMac), RewriteStatus::ok);
    ASSERT_EQ(set_arp_tpa(*p, parsed, 0xC0A80002), RewriteStatus::ok);
    const std::vector<std::uint8_t> want = {0, 1,    8,    0,    6,    4,    0,   2,  // reply
                                            2, 0x11, 0x22, 0x33, 0x44, 0x55, 192, 168, 0, 1,
                                            2, 0x11, 0x22, 0x33, 0x44, 0x55, 192, 168, 0, 2};
    const Frame out = now();
    EXPECT_EQ(std::vector<std::uint8_t>(out.bytes.begin() + f.l3, out.bytes.end()), want);
    EXPECT_TRUE(std::equal(f.bytes.begin(), f.bytes.begin() + f.l3, out.bytes.begin()));

    // Not Ethernet/IPv4 ARP (hardware length 8): refused, untouched.
    Frame odd = arp_frame();
    odd.bytes[odd.l3 + 4] = 8;
    odd.bytes.resize(odd.l3 + 8 + 2 * 8 + 2 * 4);
    load(odd);
    EXPECT_EQ(set_arp_op(*p, parsed, 2), RewriteStatus::not_arp);
    EXPECT_EQ(now().bytes, odd.bytes);
    load(build_frame({}));
    EXPECT_EQ(set_arp_tpa(*p, parsed, 1), RewriteStatus::not_arp);
}

TEST_F(RewriteFixture, Ipv6TrafficClassAndFlowLabelShareTheFirstWord) {
    const Frame f = build_frame({.ip_version = 6, .tos = 0x5A, .payload = make_payload(9)});
    load(f);
    const std::uint32_t label =
        0xFFFFF & (std::uint32_t{rd16(f.bytes, f.l3)} << 16 | rd16(f.bytes, f.l3 + 2));
    ASSERT_EQ(set_ipv6_flow_label(*p, parsed, 0x12345), RewriteStatus::ok);
    Frame out = now();
    EXPECT_EQ(rd32(out.bytes, out.l3), 0x60000000u | 0x5Au << 20 | 0x12345u);
    ASSERT_EQ(set_tos(*p, parsed, 0xA7), RewriteStatus::ok);
    ASSERT_EQ(set_dscp(*p, parsed, 0x15), RewriteStatus::ok);  // 0x54 | ecn 3
    out = now();
    EXPECT_EQ(rd32(out.bytes, out.l3), 0x60000000u | 0x57u << 20 | 0x12345u);
    ASSERT_EQ(set_ipv6_flow_label(*p, parsed, label), RewriteStatus::ok);
    ASSERT_EQ(set_tos(*p, parsed, 0x5A), RewriteStatus::ok);
    EXPECT_EQ(now().bytes, f.bytes);
    EXPECT_EQ(set_ipv6_flow_label(*p, parsed, 0x100000), RewriteStatus::bad_value);
    load(build_frame({}));
    EXPECT_EQ(set_ipv6_flow_label(*p, parsed, 1), RewriteStatus::not_ipv6);
}

TEST_F(RewriteFixture, Ipv4TosDscpEcnAndTtl) {
    const Frame f = build_frame({.ttl = 1, .tos = 0x00, .payload = make_payload(9)});
    load(f);
    EXPECT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ttl_expired);
    ASSERT_EQ(set_ttl(*p, parsed, 0), RewriteStatus::ok);  // any value may be set
    EXPECT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ttl_expired);
    ASSERT_EQ(set_ttl(*p, parsed, 200), RewriteStatus::ok);
    ASSERT_EQ(decrement_ttl(*p, parsed), RewriteStatus::ok);
    ASSERT_EQ(set_ecn(*p, parsed, 3), RewriteStatus::ok);
    ASSERT_EQ(set_dscp(*p, parsed, 46), RewriteStatus::ok);
    const Frame out = now();
    EXPECT_EQ(diff(out.bytes, f.bytes),
              (std::vector<std::size_t>{f.l3 + 1, f.l3 + 8, f.l3 + 10, f.l3 + 11}));
    EXPECT_EQ(out.bytes[f.l3 + 1], 46 << 2 | 3);
    EXPECT_EQ(out.bytes[f.l3 + 8], 199);
    EXPECT_EQ(out.bytes[f.l3 + 9], kTcp) << "the protocol shares the TTL's word";
    EXPECT_TRUE(ref_ipv4_header_ok(out));
    EXPECT_EQ(set_dscp(*p, parsed, 64), RewriteStatus::bad_value);
    EXPECT_EQ(set_ecn(*p, parsed, 4), RewriteStatus::bad_value);
}

TEST_F(RewriteFixture, IcmpTypeAndCode) {
    for (int v : {4, 6}) {
        const std::uint8_t l4 = v == 4 ? kIcmp : kIcmpv6;
        const Frame f = build_frame({.ip_version = v, .l4 = l4, .payload = make_payload(12)});
        load(f);
        ASSERT_EQ(set_icmp_type(*p, parsed, v == 4 ? 0 : 129), RewriteStatus::ok);  // reply
        ASSERT_EQ(set_icmp_code(*p, parsed, 5), RewriteStatus::ok);
        const Frame out = now();
        EXPECT_EQ(out.bytes[f.l4], v == 4 ? 0 : 129);
        EXPECT_EQ(out.bytes[f.l4 + 1], 5);
        EXPECT_EQ(diff(out.bytes, f.bytes).size(), 4u) << "type, code and the checksum";
        EXPECT_TRUE(l4_checksum_ok(out));
        EXPECT_EQ(set_l4_src_port(*p, parsed, 1), RewriteStatus::no_ports);
    }
    load(build_frame({.l4 = kUdp}));
    EXPECT_EQ(set_icmp_type(*p, parsed, 0), RewriteStatus::not_icmp);
}

TEST_F(RewriteFixture, RefusalsLeaveThePacketUntouched) {
    const Frame arp = arp_frame();
    load(arp);
    const std::uint8_t a6[16] = {1};
    EXPECT_EQ(set_ipv4_src(*p, parsed, 1), RewriteStatus::not_ipv4);
    EXPECT_EQ(set_ipv6_dst(*p, parsed, a6), RewriteStatus::not_ipv6);
    EXPECT_EQ(set_ttl(*p, parsed, 1), RewriteStatus::not_ip);
    EXPECT_EQ(decrement_ttl(*p, parsed), RewriteStatus::not_ip);
    EXPECT_EQ(set_tos(*p, parsed, 1), RewriteStatus::not_ip);
    EXPECT_EQ(set_l4_dst_port(*p, parsed, 1), RewriteStatus::no_ports);
    EXPECT_EQ(set_icmp_code(*p, parsed, 1), RewriteStatus::not_icmp);
    EXPECT_EQ(now().bytes, arp.bytes);

    // A raw-IP frame (a TUN port) has no Ethernet header.
    const Frame f = build_frame({.payload = make_payload(9)});
    load(f);
    const net::ParsedHeaders raw =
        net::parse(p->bytes().subspan(f.l3), {.link = net::LinkType::raw_ip});
    Packet ip = *p;
    ip.offset += f.l3;
    ip.length -= f.l3;
    EXPECT_EQ(set_eth_src(ip, raw, kMac), RewriteStatus::not_ethernet);
    ASSERT_EQ(set_ipv4_dst(ip, raw, 0x0A000063), RewriteStatus::ok);
    EXPECT_TRUE(l4_checksum_ok(now()));

    // A failed parse: nothing is written.
    net::ParsedHeaders bad = parsed;
    bad.status = net::ParseStatus::truncated_l4;
    EXPECT_EQ(set_eth_dst(*p, bad, kMac), RewriteStatus::parse_failed);
    EXPECT_EQ(set_l4_src_port(*p, bad, 1), RewriteStatus::parse_failed);
    EXPECT_EQ(set_arp_op(*p, bad, 1), RewriteStatus::parse_failed);
    // A parse of a longer frame than this packet: refused, not written out of bounds.
    Packet shorter = *p;
    shorter.length = f.l3 + 10;
    EXPECT_EQ(set_ipv4_dst(shorter, parsed, 1), RewriteStatus::parse_failed);
    for (RewriteStatus s :
         {RewriteStatus::ok, RewriteStatus::later_fragment, RewriteStatus::bad_value}) {
        EXPECT_STRNE(to_string(s), "?");
    }
}

}  // namespace
}  // namespace sy::offload
