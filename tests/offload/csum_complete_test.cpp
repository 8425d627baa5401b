#include "offload/csum_complete.hpp"

#include <gtest/gtest.h>

#include "net/parse.hpp"
#include "offload/crc32c.hpp"
#include "testlib/packet_util.hpp"

namespace sy::offload {
namespace {

using namespace testlib;

struct CompleteFixture : ::testing::Test {
    PacketPool pool{8, kSuperFrameBufferSize};

    // Loads `f` as partial, completes it, returns the resulting frame (same layout).
    Frame complete(const Frame& f, OffloadInfo o, CompleteStatus expect = CompleteStatus::ok) {
        Packet* p = load_packet(pool, f, o);
        EXPECT_EQ(complete_partial(*p, net::parse(p->bytes())), expect);
        if (expect == CompleteStatus::ok) {
            EXPECT_EQ(p->offload.csum, CsumState::none);
        }
        Frame out = frame_of(*p, f);
        pool.free(p);
        return out;
    }
};

// A1 and friends: every protocol, both IP versions, VLAN or not, odd and even payloads.
TEST_F(CompleteFixture, A1_PartialBecomesTheFullChecksum) {
    for (int v : {4, 6}) {
        for (std::uint8_t proto : {kTcp, kUdp, kSctp}) {
            for (std::size_t len : {0u, 1u, 2u, 17u, 1448u, 9001u}) {
                FrameSpec s{.ip_version = v,
                            .l4 = proto,
                            .payload = make_payload(len, len + v),
                            .csum = CsumFill::seed};
                if (len % 2) s.vlans = {100};
                const Frame f = build_frame(s);
                const Frame out = complete(f, partial_offload(f));
                EXPECT_TRUE(l4_checksum_ok(out)) << v << "/" << int(proto) << "/" << len;
                EXPECT_NE(stored_l4_checksum(out), ref_seed(f));
            }
        }
    }
}

// Payload whose correct checksum is exactly 0 (before the UDP rule).
Frame frame_summing_to_zero(std::uint8_t proto, int v) {
    FrameSpec s{
        .ip_version = v, .l4 = proto, .payload = make_payload(64, 9), .csum = CsumFill::zero};
    s.payload[62] = s.payload[63] = 0;
    Frame f = build_frame(s);
    // Adding the complement of the sum to the last (even-aligned) word makes the sum 0xFFFF.
    std::vector<std::uint8_t> l4(f.bytes.begin() + f.l4, f.bytes.begin() + f.l3_end);
    const std::uint16_t c = ref_checksum(
        l4.data(), l4.size(),
        ref_pseudo_sum(f.bytes.data() + f.l3, proto, static_cast<std::uint32_t>(l4.size())));
    s.payload[62] = static_cast<std::uint8_t>(c >> 8);
    s.payload[63] = static_cast<std::uint8_t>(c);
    s.csum = CsumFill::seed;
    return build_frame(s);
}

TEST_F(CompleteFixture, B11_B13_UdpComputedZeroIsSentAsFFFF) {
    for (int v : {4, 6}) {
        const Frame f = frame_summing_to_zero(kUdp, v);
        const Frame out = complete(f, partial_offload(f));
        EXPECT_EQ(stored_l4_checksum(out), 0xFFFFu) << v;
        EXPECT_TRUE(l4_checksum_ok(out));
    }
    // TCP keeps the computed 0 (both zeros are valid there; it matches what scapy writes).
    const Frame t = frame_summing_to_zero(kTcp, 4);
    EXPECT_EQ(stored_l4_checksum(complete(t, partial_offload(t))), 0u);
}

TEST(Crc32c, KnownVector) {
    const std::uint8_t digits[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
    EXPECT_EQ(crc32c(digits), 0xE3069283u);
    EXPECT_EQ(crc32c(digits), ref_crc32c(digits, sizeof digits));
}

// B15: SCTP partial is finished with CRC32c, whatever the field held.
TEST_F(CompleteFixture, B15_SctpGetsCrc32c) {
    Frame f = build_frame({.l4 = kSctp, .payload = make_payload(101), .csum = CsumFill::seed});
    write_l4_checksum(f, 0xDEADBEEF);  // stale field
    const Frame out = complete(f, partial_offload(f));
    EXPECT_EQ(stored_l4_checksum(out), ref_l4_checksum(out));
}

// A5: csum_start at the inner TCP header of a VXLAN frame; the outer UDP checksum (0) stays.
TEST_F(CompleteFixture, A5_InnerPartialOfATunnel) {
    const Frame inner = build_frame({.payload = make_payload(333), .csum = CsumFill::seed});
    std::uint32_t shift = 0;
    const Frame outer = build_vxlan({.csum = CsumFill::zero}, inner, shift);
    OffloadInfo o = partial_offload(inner);
    o.csum_start = static_cast<std::uint16_t>(o.csum_start + shift);
    const Frame out = complete(outer, o);
    Frame inner_out = inner;
    inner_out.bytes.assign(out.bytes.begin() + shift, out.bytes.end());
    EXPECT_TRUE(l4_checksum_ok(inner_out));
    EXPECT_EQ(stored_l4_checksum(out), 0u);  // outer UDP: still "no checksum"
}

TEST_F(CompleteFixture, EthernetPaddingIsNotSummed) {
    FrameSpec s{
        .l4 = kUdp, .payload = make_payload(3), .csum = CsumFill::seed, .ethernet_padding = 15};
    Frame f = build_frame(s);
    std::fill(f.bytes.begin() + f.l3_end, f.bytes.end(), 0xAB);
    EXPECT_TRUE(l4_checksum_ok(complete(f, partial_offload(f))));
}

// Kernel semantics for a start we cannot name: sum [csum_start, end) into the field.
TEST_F(CompleteFixture, UnknownStartSumsToTheEndOfTheFrame) {
    const Frame f = build_frame({.l4 = kUdp, .payload = make_payload(40), .csum = CsumFill::zero});
    OffloadInfo o;
    o.csum = CsumState::partial;
    o.csum_start = static_cast<std::uint16_t>(f.payload + 4);
    o.csum_offset = 2;
    std::uint16_t expected =
        ref_checksum(f.bytes.data() + o.csum_start, f.bytes.size() - o.csum_start);
    if (expected == 0) expected = 0xFFFF;
    const Frame out = complete(f, o);
    EXPECT_EQ(rd16(out.bytes, o.csum_start + o.csum_offset), expected);
}

TEST_F(CompleteFixture, RefusesWhatItCannotDo) {
    const Frame f = build_frame({});
    Packet* p = load_packet(pool, f);
    EXPECT_EQ(complete_partial(*p, net::parse(p->bytes())), CompleteStatus::not_partial);
    p->offload = partial_offload(f);
    p->offload.csum_offset = 200;
    const std::vector<std::uint8_t> before(p->data(), p->data() + p->length);
    EXPECT_EQ(complete_partial(*p, net::parse(p->bytes())), CompleteStatus::field_beyond_range);
    EXPECT_EQ(std::vector<std::uint8_t>(p->data(), p->data() + p->length), before);
    EXPECT_EQ(p->offload.csum, CsumState::partial);
}

}  // namespace
}  // namespace sy::offload
