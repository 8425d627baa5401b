// Internet checksum primitives against a byte-by-byte reference (RFC 1071 definition).
#include "net/checksum.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace sy::net {
namespace {

// The definition: big-endian 16-bit words, odd trailing byte padded with zero, end-around
// carry. Deliberately the slowest obvious code.
std::uint16_t reference_folded(const std::uint8_t* p, std::size_t n, std::uint32_t initial = 0) {
    std::uint64_t sum = initial;
    for (std::size_t i = 0; i + 1 < n; i += 2) sum += (p[i] << 8) | p[i + 1];
    if (n % 2) sum += p[n - 1] << 8;
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

TEST(Checksum, Rfc1071Example) {
    // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
    const std::uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(fold(raw_sum(data)), 0xddf2);
    EXPECT_EQ(checksum(data), static_cast<std::uint16_t>(~0xddf2));
}

TEST(Checksum, AnyLengthAnyAlignmentMatchesReference) {
    std::mt19937 rng(1);
    std::vector<std::uint8_t> storage(70000 + 64);
    for (auto& b : storage) b = static_cast<std::uint8_t>(rng());
    // Around every internal threshold (16/32/64/128-byte paths) and the 2^14-step flush of
    // the wide path (1 MiB), plus typical packet sizes.
    const std::size_t lengths[] = {0,    1,    2,     3,     5,     7,     15,    16,   17,
                                   31,   32,   33,    47,    48,    63,    64,    65,   96,
                                   127,  128,  129,   255,   256,   257,   1499,  1500, 1501,
                                   4095, 4096, 16383, 16384, 65535, 65536, 65537, 70000};
    for (std::size_t align = 0; align < 8; ++align) {
        for (std::size_t len : lengths) {
            const std::uint8_t* p = storage.data() + align;
            const std::uint16_t want = reference_folded(p, len);
            EXPECT_EQ(fold(raw_sum({p, len})), want) << "len " << len << " align " << align;
            EXPECT_EQ(fold(raw_sum_portable({p, len})), want) << "len " << len;
        }
    }
}

// All-ones data makes every SIMD lane grow as fast as it can: more than 2^14 wide steps (the
// flush interval, 1 MiB) must not overflow a lane.
TEST(Checksum, LongAllOnesBufferDoesNotOverflowLanes) {
    for (std::size_t len : {std::size_t{1} << 20, (std::size_t{3} << 20) + 7}) {
        std::vector<std::uint8_t> ones(len, 0xFF);
        EXPECT_EQ(fold(raw_sum(ones)), reference_folded(ones.data(), len)) << len;
        ones[len / 2] = 0x12;
        EXPECT_EQ(fold(raw_sum(ones)), reference_folded(ones.data(), len)) << len;
    }
}

TEST(Checksum, InitialIsAddedInWireOrder) {
    const std::uint8_t data[] = {0x12, 0x34, 0x56};
    EXPECT_EQ(fold(raw_sum(data, 0x0001)), reference_folded(data, 3, 1));
    EXPECT_EQ(fold(raw_sum(data, 0xFFFFFFFF)), reference_folded(data, 3, 0xFFFFFFFF));
}

TEST(Checksum, AllOnesDataFoldsToNegativeZero) {
    std::vector<std::uint8_t> ones(200, 0xFF);
    EXPECT_EQ(fold(raw_sum(ones)), 0xFFFF);
    EXPECT_EQ(checksum(ones), 0x0000);
    std::vector<std::uint8_t> zeros(200, 0);
    EXPECT_EQ(fold(raw_sum(zeros)), 0x0000);
    EXPECT_EQ(checksum(zeros), 0xFFFF);
}

TEST(Checksum, FoldCarriesTwice) {
    // 0x1FFFF -> 0xFFFF + 1 = 0x10000 -> 0x0001: the first fold produces a new carry.
    EXPECT_EQ(fold(0x1FFFF), 0x0001);
    EXPECT_EQ(fold(0xFFFFFFFFull), 0xFFFF);
    EXPECT_EQ(fold(0xFFFFFFFFFFFFFFFFull), 0xFFFF);
    EXPECT_EQ(fold(0x10000), 0x0001);
    EXPECT_EQ(fold(0), 0);
}

TEST(Checksum, Ipv4HeaderIgnoresStoredField) {
    // A well-known header: 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7.
    std::uint8_t ip[] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                         0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(ipv4_header_checksum(ip, 20), 0xb861);
    ip[10] = 0x12;
    ip[11] = 0x34;
    EXPECT_EQ(ipv4_header_checksum(ip, 20), 0xb861);
}

}  // namespace
}  // namespace sy::net
