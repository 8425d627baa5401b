// Case 21 (RFC 1624 corner vectors) and case 19 (the negative test) on real packets through
// the rewrite functions: stored checksums 0x0000 and 0xFFFF, an update whose result is the
// "other zero", old == new, 32- and 128-bit addresses whose words carry.

#include <gtest/gtest.h>

#include "base/bytes.hpp"
#include "net/checksum_update.hpp"
#include "offload/csum_complete.hpp"
#include "offload/rewrite.hpp"
#include "offload/rewrite_fixture.hpp"

namespace sy::offload {
namespace {

using namespace testing;

// Sum, mod 65535, of everything the L4 checksum covers except the field itself: the correct
// checksum is its complement.
std::uint32_t covered_sum(const Frame& f) {
    return (0xFFFFu - ref_l4_checksum(f)) % 0xFFFF;
}

// A TCP or UDP frame whose correct checksum computes to 0 (the field then holds 0x0000 for
// TCP, 0xFFFF for UDP): the last two payload bytes cancel the sum of everything else.
Frame frame_with_computed_zero(int v, std::uint8_t l4) {
    std::vector<std::uint8_t> payload = make_payload(30, 21);
    payload.push_back(0);
    payload.push_back(0);
    Frame f = build_frame({.ip_version = v, .l4 = l4, .payload = payload});
    const std::uint16_t c = static_cast<std::uint16_t>(ref_l4_checksum(f));
    // With the last word w, the checksum is ~(S + w); choose w = ~S = the checksum for w = 0.
    wr16(f.bytes, f.l3_end - 2, l4 == kUdp && c == 0xFFFF ? 0 : c);
    fill_l4_checksum(f, CsumFill::correct);
    return f;
}

// The RFC 1624 section 4 example, in an IPv4 header: checksum 0xDD2F, a 16-bit word of the
// source address 0x5555 becomes 0x3285. Eqn. 2 (RFC 1141) gives 0xFFFF, eqn. 3 gives 0x0000,
// which is what recomputation gives.
TEST_F(RewriteFixture, C21_Rfc1624Section4ExampleInAnIpv4Header) {
    Frame f = build_frame({.ip4_src = {0x55, 0x55, 0, 1}, .payload = make_payload(10)});
    // Pick the IP ID so that the header checksum is 0xDD2F: ~(S + id) = 0xDD2F.
    wr16(f.bytes, f.l3 + 4, 0);
    fix_ipv4_header_checksum(f);
    const std::uint16_t id = ones_diff(rd16(f.bytes, f.l3 + 10), 0xDD2F);
    wr16(f.bytes, f.l3 + 4, id);
    fix_ipv4_header_checksum(f);
    ASSERT_EQ(rd16(f.bytes, f.l3 + 10), 0xDD2F);
    fill_l4_checksum(f, CsumFill::correct);
    load(f);
    ASSERT_EQ(set_ipv4_src(*p, parsed, 0x32850001), RewriteStatus::ok);
    Frame recomputed = now();
    fix_ipv4_header_checksum(recomputed);
    EXPECT_EQ(rd16(now().bytes, f.l3 + 10), 0x0000);
    EXPECT_EQ(rd16(recomputed.bytes, f.l3 + 10), 0x0000);
    EXPECT_TRUE(l4_checksum_ok(now()));
}

// Old checksum 0x0000 (TCP computing to 0) and 0xFFFF (UDP computing to 0, sent as 0xFFFF):
// a port and an address rewrite give the recomputed value, UDP never 0.
TEST_F(RewriteFixture, C21_OldChecksumZeroAndFfff) {
    for (int v : {4, 6}) {
        for (std::uint8_t l4 : {kTcp, kUdp}) {
            const Frame f = frame_with_computed_zero(v, l4);
            ASSERT_EQ(stored_l4_checksum(f), l4 == kUdp ? 0xFFFFu : 0x0000u);
            load(f);
            ASSERT_EQ(set_l4_dst_port(*p, parsed, 81), RewriteStatus::ok);
            EXPECT_EQ(badness(now()), 0u);
            ASSERT_EQ(set_l4_dst_port(*p, parsed, 80), RewriteStatus::ok);  // back again
            EXPECT_EQ(ones_diff(stored_l4_checksum(now()), stored_l4_checksum(f)), 0);
            if (l4 == kUdp) {
                EXPECT_EQ(stored_l4_checksum(now()), 0xFFFFu);
            }
            ASSERT_EQ(v == 4 ? set_ipv4_dst(*p, parsed, 0xFFFFFFFF)
                             : set_ipv6_dst(*p, parsed, std::array<std::uint8_t, 16>{}.data()),
                      RewriteStatus::ok);
            EXPECT_EQ(badness(now()), 0u);
        }
    }
}

// An update landing on the UDP "zero": a correct checksum that computes to 0 must go out as
// 0xFFFF, since 0 means "no checksum" (IPv4) or "invalid" (IPv6). The new port is chosen so
// that the new checksum computes to exactly 0.
TEST_F(RewriteFixture, C21_UdpUpdateThatComputesToZeroIsWrittenFfff) {
    for (int v : {4, 6}) {
        const Frame f = build_frame({.ip_version = v, .l4 = kUdp, .payload = make_payload(17)});
        // New checksum ~(S - old + new) = 0  <=>  S - old + new = 0 (mod 65535), S the
        // covered sum with the old port.
        const std::uint32_t s = covered_sum(f);
        const std::uint32_t port = (rd16(f.bytes, f.l4 + 2) + 0xFFFF - s + 0xFFFF) % 0xFFFF;
        Frame expected = f;
        wr16(expected.bytes, expected.l4 + 2, static_cast<std::uint16_t>(port));
        fill_l4_checksum(expected, CsumFill::correct);
        ASSERT_EQ(stored_l4_checksum(expected), 0xFFFFu) << "the vector computes to 0";
        load(f);
        ASSERT_EQ(set_l4_dst_port(*p, parsed, static_cast<std::uint16_t>(port)), RewriteStatus::ok);
        EXPECT_EQ(stored_l4_checksum(now()), 0xFFFFu) << "v" << v;
    }
}

// old == new: nothing changes, not even the state (a verified packet stays verified, a
// partial seed is not touched).
TEST_F(RewriteFixture, C21_OldEqualsNewChangesNothing) {
    const Frame f = build_frame({.ip_version = 6, .l4 = kTcp, .payload = make_payload(10)});
    load_verified(f);
    ASSERT_EQ(set_ipv6_src(*p, parsed, FrameSpec{}.ip6_src.data()), RewriteStatus::ok);
    ASSERT_EQ(set_l4_src_port(*p, parsed, 40000), RewriteStatus::ok);
    ASSERT_EQ(set_ttl(*p, parsed, 64), RewriteStatus::ok);
    EXPECT_EQ(now().bytes, f.bytes);
    EXPECT_EQ(state(), CsumState::verified);
}

// 32- and 128-bit updates where every word changes and carries (all ones <-> all zeros),
// in both directions, against full recomputation.
TEST_F(RewriteFixture, C21_AddressUpdatesThatCarryInEveryWord) {
    const std::array<std::uint8_t, 16> ones = [] {
        std::array<std::uint8_t, 16> a;
        a.fill(0xFF);
        return a;
    }();
    const std::array<std::uint8_t, 16> zeros{};
    for (std::uint8_t l4 : {kTcp, kUdp, kIcmpv6}) {
        load(build_frame({.ip_version = 6, .l4 = l4, .payload = make_payload(9)}));
        for (const auto* a : {&ones, &zeros, &ones}) {
            ASSERT_EQ(set_ipv6_src(*p, parsed, a->data()), RewriteStatus::ok);
            ASSERT_EQ(set_ipv6_dst(*p, parsed, a->data()), RewriteStatus::ok);
            EXPECT_TRUE(l4_checksum_ok(now())) << int(l4);
        }
    }
    for (std::uint8_t l4 : {kTcp, kUdp}) {
        load(build_frame({.l4 = l4, .payload = make_payload(9)}));
        for (std::uint32_t a : {0xFFFFFFFFu, 0u, 0xFFFF0000u, 0x0000FFFFu}) {
            ASSERT_EQ(set_ipv4_src(*p, parsed, a), RewriteStatus::ok);
            ASSERT_EQ(set_ipv4_dst(*p, parsed, ~a), RewriteStatus::ok);
            EXPECT_TRUE(l4_checksum_ok(now())) << std::hex << a;
            EXPECT_TRUE(ref_ipv4_header_ok(now())) << std::hex << a;
        }
    }
}

// C19, the negative test: what goes wrong when the state is mis-known. RFC 1624 applied to a
// seed gives the wrong seed for an address change (wrong sign: a seed is a sum, not its
// complement) and folds ports in although they are not in the pseudo-header; completing
// either gives a wrong checksum. The rewrite functions, knowing the state, get both right.
TEST_F(RewriteFixture, C19_SeedTreatedAsAFullChecksumIsWrong) {
    const Frame f = build_frame({.l4 = kTcp, .payload = make_payload(40), .csum = CsumFill::seed});
    const std::uint32_t new_src = 0x0AC80063;
    const std::uint16_t new_port = 443;

    // Mis-known: the field updated as if it were a full checksum.
    load(f, partial_offload(f));
    std::uint16_t wrong = net::csum_update32(ref_seed(f), 0x0AC80001, new_src);
    wrong = net::csum_update16(wrong, 80, new_port);
    store_be16(p->data() + f.l4 + 2, new_port);
    store_be32(p->data() + f.l3 + 12, new_src);
    store_be16(p->data() + f.csum_field, wrong);
    EXPECT_NE(stored_l4_checksum(now()), ref_seed(now()));
    ASSERT_EQ(complete_partial(*p, parsed), CompleteStatus::ok);
    EXPECT_FALSE(l4_checksum_ok(now())) << "the misapplied update is not caught later";

    // Ports alone, folded into the seed as a full-checksum update: also wrong.
    load(f, partial_offload(f));
    store_be16(p->data() + f.l4 + 2, new_port);
    store_be16(p->data() + f.csum_field, net::csum_update16(ref_seed(f), 80, new_port));
    ASSERT_EQ(complete_partial(*p, parsed), CompleteStatus::ok);
    EXPECT_FALSE(l4_checksum_ok(now()));

    // Known state: right.
    load(f, partial_offload(f));
    ASSERT_EQ(set_ipv4_src(*p, parsed, new_src), RewriteStatus::ok);
    ASSERT_EQ(set_l4_dst_port(*p, parsed, new_port), RewriteStatus::ok);
    EXPECT_EQ(stored_l4_checksum(now()), ref_seed(now()));
    ASSERT_EQ(complete_partial(*p, parsed), CompleteStatus::ok);
    EXPECT_TRUE(l4_checksum_ok(now()));
}

}  // namespace
}  // namespace sy::offload
