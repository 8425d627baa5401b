// RFC 1624 incremental updates: the RFC's own example, its corner cases (old checksum
// 0x0000/0xFFFF, old == new), 16/32/128-bit fields on random data against recomputation,
// exact preservation of a wrong checksum's error, and pseudo-header seed updates on frames.
#include "net/checksum_update.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "base/bytes.hpp"
#include "net/checksum.hpp"
#include "net/hex.hpp"
#include "net/l4_checksum.hpp"

namespace sy::net {
namespace {

// a - b in one's-complement arithmetic, as a residue mod 0xFFFF (0xFFFF and 0 are equal).
std::uint16_t ones_diff(std::uint16_t a, std::uint16_t b) {
    const std::uint16_t d = fold(std::uint32_t{a} + static_cast<std::uint16_t>(~b));
    return d == 0xFFFF ? 0 : d;
}

TEST(CsumUpdate, Rfc1624Example) {
    // RFC 1624 section 4: eqn. 2 gives 0xFFFF here, eqn. 3 the correct 0x0000.
    EXPECT_EQ(csum_update16(0xDD2F, 0x5555, 0x3285), 0x0000);
    // And back: an old checksum of 0x0000.
    EXPECT_EQ(csum_update16(0x0000, 0x3285, 0x5555), 0xDD2F);
}

TEST(CsumUpdate, OldChecksumFfffFromAllZeroData) {
    std::vector<std::uint8_t> data(20, 0);
    ASSERT_EQ(checksum(data), 0xFFFF);
    store_be16(&data[4], 0x1234);
    EXPECT_EQ(csum_update16(0xFFFF, 0x0000, 0x1234), checksum(data));
}

TEST(CsumUpdate, OldEqualsNewIsIdentityForValidChecksums) {
    for (std::uint32_t c : {0x0000u, 0x0001u, 0x7FFFu, 0x8000u, 0xFFFEu}) {
        const auto csum = static_cast<std::uint16_t>(c);
        EXPECT_EQ(csum_update16(csum, 0xABCD, 0xABCD), csum);
        EXPECT_EQ(csum_update32(csum, 0xDEADBEEF, 0xDEADBEEF), csum);
        const std::uint8_t a[16] = {1, 2, 3};
        EXPECT_EQ(csum_update128(csum, a, a), csum);
    }
}

// Random buffers; rewrite a random 2/4/16-byte field at a random even offset; the updated
// checksum equals a recomputation. Forces the old checksum to 0x0000 for a share of them.
TEST(CsumUpdate, MatchesRecomputationOnRandomData) {
    std::mt19937 rng(7);
    for (int iter = 0; iter < 20000; ++iter) {
        std::vector<std::uint8_t> data(4 + 2 * (rng() % 40) + rng() % 2 + 16);
        for (auto& b : data) b = static_cast<std::uint8_t>(rng());
        if (iter % 4 == 0) {
            // Make the sum all ones, so the checksum is 0x0000.
            const std::uint16_t c = checksum(data);
            store_be16(&data[0], fold(std::uint32_t{load_be16(&data[0])} + c));
            ASSERT_EQ(checksum(data), 0);
        }
        const std::uint16_t before = checksum(data);
        const int width = (iter % 3 == 0) ? 2 : (iter % 3 == 1) ? 4 : 16;
        const std::size_t off = 2 * (rng() % ((data.size() - width) / 2 + 1));
        std::uint8_t old_bytes[16], new_bytes[16];
        std::copy_n(&data[off], width, old_bytes);
        for (int i = 0; i < width; ++i) new_bytes[i] = static_cast<std::uint8_t>(rng());
        if (iter % 10 == 0) std::copy_n(old_bytes, width, new_bytes);  // old == new
        std::copy_n(new_bytes, width, &data[off]);
        std::uint16_t updated;
        if (width == 2) {
            updated = csum_update16(before, load_be16(old_bytes), load_be16(new_bytes));
        } else if (width == 4) {
            updated = csum_update32(before, load_be32(old_bytes), load_be32(new_bytes));
        } else {
            updated = csum_update128(before, old_bytes, new_bytes);
        }
        ASSERT_EQ(updated, checksum(data)) << "iteration " << iter << " width " << width;
    }
}

TEST(CsumUpdate, WrongChecksumStaysExactlyAsWrong) {
    std::mt19937 rng(11);
    for (int iter = 0; iter < 20000; ++iter) {
        std::vector<std::uint8_t> data(2 * (1 + rng() % 30) + 4);
        for (auto& b : data) b = static_cast<std::uint8_t>(rng());
        const std::uint16_t good = checksum(data);
        std::uint16_t stored = static_cast<std::uint16_t>(rng());
        if (ones_diff(stored, good) == 0) stored = static_cast<std::uint16_t>(good + 1);
        const std::uint16_t error = ones_diff(stored, good);
        // Several rewrites in a row.
        for (int step = 0; step < 4; ++step) {
            const std::size_t off = 2 * (rng() % (data.size() / 2 - 1));
            const std::uint32_t old_value = load_be32(&data[off]);
            const std::uint32_t new_value = static_cast<std::uint32_t>(rng());
            store_be32(&data[off], new_value);
            stored = csum_update32(stored, old_value, new_value);
        }
        ASSERT_EQ(ones_diff(stored, checksum(data)), error) << iter;
        ASSERT_NE(ones_diff(stored, checksum(data)), 0);  // never laundered into a good one
    }
}

TEST(UdpWireChecksum, ZeroBecomesFfff) {
    EXPECT_EQ(udp_wire_checksum(0), 0xFFFF);
    EXPECT_EQ(udp_wire_checksum(0x1234), 0x1234);
    EXPECT_EQ(udp_wire_checksum(0xFFFF), 0xFFFF);
}

// On real frames: rewrite fields with incremental updates of the IPv4 header checksum and the
// L4 checksum, and compare with full recomputation.
TEST(CsumUpdate, Ipv4TtlAndAddressAndPortRewriteOnTcp) {
    auto f = test::from_hex(test::kTcp4Syn40);
    const auto h = parse(f).outer;
    std::uint8_t* ip = &f[h.l3];
    std::uint8_t* tcp = &f[h.l4];
    // TTL decrement: the TTL/protocol word changes; only the IP header checksum covers it.
    const std::uint16_t ttl_word = load_be16(ip + 8);
    ip[8] -= 1;
    store_be16(ip + 10, csum_update16(load_be16(ip + 10), ttl_word, load_be16(ip + 8)));
    // Source address: IP header checksum and the TCP pseudo-header.
    const std::uint32_t old_src = load_be32(ip + 12);
    store_be32(ip + 12, 0xC0A80A01);
    store_be16(ip + 10, csum_update32(load_be16(ip + 10), old_src, 0xC0A80A01));
    store_be16(tcp + 16, csum_update32(load_be16(tcp + 16), old_src, 0xC0A80A01));
    // Destination port.
    const std::uint16_t old_port = load_be16(tcp + 2);
    store_be16(tcp + 2, 8080);
    store_be16(tcp + 16, csum_update16(load_be16(tcp + 16), old_port, 8080));
    EXPECT_TRUE(ipv4_header_checksum_ok(f, h));
    EXPECT_EQ(check_l4_checksum(f, h).verdict, L4CsumVerdict::good);
    auto recomputed = f;
    ASSERT_TRUE(write_l4_checksum(recomputed, h));
    ASSERT_TRUE(write_ipv4_header_checksum(recomputed, h));
    EXPECT_EQ(recomputed, f);
}

TEST(CsumUpdate, Ipv6AddressRewriteOnUdp) {
    auto f = test::from_hex(test::kUdp6ExtHeaders);
    const auto h = parse(f).outer;
    std::uint8_t* src = &f[h.l3 + 8];
    std::uint8_t old_src[16];
    std::copy_n(src, 16, old_src);
    const std::uint8_t new_src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                      0,    0,    0,    0,    0, 0, 0, 0x42};
    std::copy_n(new_src, 16, src);
    std::uint8_t* udp = &f[h.l4];
    store_be16(udp + 6, udp_wire_checksum(csum_update128(load_be16(udp + 6), old_src, new_src)));
    EXPECT_EQ(check_l4_checksum(f, h).verdict, L4CsumVerdict::good);
}

// Seed semantics (Linux inet_proto_csum_replace* with pseudohdr): address and length changes
// move the seed to the new pseudo-header sum; port changes leave it alone.
TEST(SeedUpdate, AddressAndLengthChangesFollowThePseudoHeader) {
    auto f = test::from_hex(test::kTcp4Syn40);
    const auto h = parse(f).outer;
    ASSERT_TRUE(write_l4_partial_seed(f, h));
    std::uint8_t* ip = &f[h.l3];
    std::uint8_t* tcp = &f[h.l4];
    const std::uint32_t old_dst = load_be32(ip + 16);
    store_be32(ip + 16, 0x0AC80063);
    store_be16(tcp + 16, seed_update32(load_be16(tcp + 16), old_dst, 0x0AC80063));
    EXPECT_EQ(load_be16(tcp + 16), fold(l4_pseudo_sum(f, h)));
    // The ports are not in the pseudo-header: changing them must not touch the seed.
    store_be16(tcp + 0, 12345);
    store_be16(tcp + 2, 443);
    EXPECT_EQ(check_l4_checksum(f, h).verdict, L4CsumVerdict::partial_seed);
    // The L4 length is: seed_update16 with the old and new length gives the new seed.
    const std::uint16_t seed = load_be16(tcp + 16);
    const std::uint16_t moved = seed_update16(seed, 40, 1440);
    const std::uint32_t want = ipv4_pseudo_sum(ip, kIpProtoTcp, 1440);
    EXPECT_EQ(moved, fold(want));
}

TEST(SeedUpdate, Ipv6AddressChange) {
    auto f = test::from_hex(test::kUdp6ExtHeaders);
    const auto h = parse(f).outer;
    ASSERT_TRUE(write_l4_partial_seed(f, h));
    std::uint8_t* dst = &f[h.l3 + 24];
    std::uint8_t old_dst[16];
    std::copy_n(dst, 16, old_dst);
    dst[15] ^= 0x5A;
    dst[0] ^= 0x11;
    std::uint8_t* udp = &f[h.l4];
    store_be16(udp + 6, seed_update128(load_be16(udp + 6), old_dst, dst));
    EXPECT_EQ(check_l4_checksum(f, h).verdict, L4CsumVerdict::partial_seed);
}

// docs/checksum-cases.md case 19, as a negative test: treating a seed as a full checksum (RFC 1624
// on a partial packet) produces a wrong seed.
TEST(SeedUpdate, FullChecksumUpdateOnASeedIsWrong) {
    auto f = test::from_hex(test::kTcp4Syn40);
    const auto h = parse(f).outer;
    ASSERT_TRUE(write_l4_partial_seed(f, h));
    std::uint8_t* ip = &f[h.l3];
    std::uint8_t* tcp = &f[h.l4];
    const std::uint32_t old_dst = load_be32(ip + 16);
    store_be32(ip + 16, 0x0AC80063);
    const std::uint16_t wrong = csum_update32(load_be16(tcp + 16), old_dst, 0x0AC80063);
    EXPECT_NE(wrong, fold(l4_pseudo_sum(f, h)));
}

}  // namespace
}  // namespace sy::net
