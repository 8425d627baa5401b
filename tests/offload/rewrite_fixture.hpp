#pragma once
// Shared by the rewrite tests: a packet loaded from a testlib frame, parsed once (as the
// pipeline does), and the measures of "how wrong" a checksum is.

#include <gtest/gtest.h>

#include <array>
#include <random>

#include "net/parse.hpp"
#include "offload/rewrite.hpp"
#include "testlib/packet_util.hpp"

namespace sy::offload::testing {

using namespace testlib;

// One's-complement a - b with both zeros identified: 0 when a and b are the same number.
inline std::uint16_t ones_diff(std::uint32_t a, std::uint32_t b) {
    std::uint32_t d = (a & 0xFFFF) + static_cast<std::uint16_t>(~b);
    while (d >> 16) d = (d & 0xFFFF) + (d >> 16);
    return d == 0xFFFF ? 0 : static_cast<std::uint16_t>(d);
}

// How wrong the stored L4 checksum is: stored - correct (0: right). RFC 1624 eqn. 3 keeps it.
// SCTP: stored XOR correct CRC32c.
inline std::uint32_t badness(const Frame& f) {
    if (f.proto == kSctp) return stored_l4_checksum(f) ^ ref_l4_checksum(f);
    return ones_diff(stored_l4_checksum(f), ref_l4_checksum(f));
}

// The same for the IPv4 header checksum.
inline std::uint16_t ipv4_header_badness(const Frame& f) {
    Frame fixed = f;
    fix_ipv4_header_checksum(fixed);
    return ones_diff(rd16(f.bytes, f.l3 + 10), rd16(fixed.bytes, f.l3 + 10));
}

inline std::array<std::uint8_t, 16> random_v6(std::mt19937& rng) {
    std::array<std::uint8_t, 16> a;
    for (auto& b : a) b = static_cast<std::uint8_t>(rng());
    return a;
}

struct RewriteFixture : ::testing::Test {
    PacketPool pool{4, kSuperFrameBufferSize};
    Packet* p = nullptr;
    Frame layout;
    net::ParsedHeaders parsed;

    ~RewriteFixture() override {
        if (p) pool.free(p);
    }
    void load(const Frame& f, const OffloadInfo& o = {}) {
        if (p) pool.free(p);
        layout = f;
        p = load_packet(pool, f, o);
        ASSERT_NE(p, nullptr);
        parsed = net::parse(p->bytes());
        ASSERT_TRUE(parsed.ok());
    }
    void load_verified(const Frame& f) {
        OffloadInfo o;
        o.csum = CsumState::verified;
        load(f, o);
    }
    Frame now() const { return frame_of(*p, layout); }
    CsumState state() const { return p->offload.csum; }
};

}  // namespace sy::offload::testing
