#include "packet/vnet_hdr.hpp"

#include <gtest/gtest.h>

#include "testlib/frame_builder.hpp"

namespace sy {
namespace {

using namespace testlib;
using V = VirtioNetHdr;

V needs_csum(std::uint16_t start, std::uint16_t offset) {
    V h;
    h.flags = V::kFlagNeedsCsum;
    h.csum_start = start;
    h.csum_offset = offset;
    return h;
}

TEST(VnetHdr, LayoutIsTheKernels) {
    EXPECT_EQ(sizeof(V), 10u);
    EXPECT_EQ(offsetof(V, hdr_len), 2u);
    EXPECT_EQ(offsetof(V, gso_size), 4u);
    EXPECT_EQ(offsetof(V, csum_start), 6u);
    EXPECT_EQ(offsetof(V, csum_offset), 8u);
}

// A1: a veth TCP SYN with tx-csum on arrives as NEEDS_CSUM at L4, offset 16.
TEST(VnetHdr, A1_NeedsCsumDecodesToPartial) {
    const Frame f = build_frame({.tcp_flags = kSyn, .csum = CsumFill::seed});
    OffloadInfo o;
    ASSERT_EQ(decode_vnet_hdr(needs_csum(34, 16), f.bytes, o), VnetDecodeStatus::ok);
    EXPECT_EQ(o.csum, CsumState::partial);
    EXPECT_EQ(o.csum_start, 34);
    EXPECT_EQ(o.csum_offset, 16);
    EXPECT_FALSE(o.gso.active());
}

// A4 (ingress side of D28): DATA_VALID is the only way to arrive verified.
TEST(VnetHdr, DataValidDecodesToVerifiedAndNeedsCsumWins) {
    const Frame f = build_frame({});
    OffloadInfo o;
    V h;
    h.flags = V::kFlagDataValid;
    ASSERT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::ok);
    EXPECT_EQ(o.csum, CsumState::verified);
    h = needs_csum(34, 16);
    h.flags |= V::kFlagDataValid;
    ASSERT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::ok);
    EXPECT_EQ(o.csum, CsumState::partial);
    ASSERT_EQ(decode_vnet_hdr(V{}, f.bytes, o), VnetDecodeStatus::ok);
    EXPECT_EQ(o.csum, CsumState::none);
}

// A6: malformed NEEDS_CSUM is rejected by name and leaves no metadata behind.
TEST(VnetHdr, A6_MalformedHeadersAreNamed) {
    const Frame f = build_frame({});  // 54 bytes
    const auto n = static_cast<std::uint16_t>(f.bytes.size());
    OffloadInfo o;
    o.csum = CsumState::verified;
    EXPECT_EQ(decode_vnet_hdr(needs_csum(n, 0), f.bytes, o),
              VnetDecodeStatus::csum_start_beyond_frame);
    EXPECT_EQ(o.csum, CsumState::none);
    EXPECT_EQ(decode_vnet_hdr(needs_csum(n - 2, 1), f.bytes, o),
              VnetDecodeStatus::csum_field_beyond_frame);
    EXPECT_EQ(decode_vnet_hdr(needs_csum(n - 2, 0), f.bytes, o), VnetDecodeStatus::ok);
    EXPECT_EQ(decode_vnet_hdr(needs_csum(34, 0xFFFF), f.bytes, o),
              VnetDecodeStatus::csum_field_beyond_frame);
    V h = needs_csum(34, 16);
    h.flags |= 4;
    EXPECT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::unknown_flags);
    h = needs_csum(34, 16);
    h.gso_type = 2;
    h.gso_size = 100;
    EXPECT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::unsupported_gso_type);
    h.gso_type = V::kGsoEcn;
    EXPECT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::ecn_without_gso);
    h.gso_type = V::kGsoTcpv4;
    h.gso_size = 0;
    EXPECT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::gso_size_zero);
    h.gso_size = 100;
    h.hdr_len = n + 1;
    EXPECT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::hdr_len_beyond_frame);
    h.hdr_len = 54;
    h.flags = 0;
    EXPECT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::gso_without_needs_csum);
    h.flags = V::kFlagDataValid;  // GRO'd on receive: checked, no partial checksum
    ASSERT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::ok);
    EXPECT_EQ(o.csum, CsumState::verified);
    EXPECT_TRUE(o.gso.active());
    EXPECT_STREQ(to_string(VnetDecodeStatus::csum_field_beyond_frame),
                 "csum_start+csum_offset+2 > len");
}

TEST(VnetHdr, GsoRoundTripsWithEcn) {
    const Frame f = build_frame({.payload = make_payload(3000), .csum = CsumFill::seed});
    V h = needs_csum(34, 16);
    h.gso_type = V::kGsoTcpv4 | V::kGsoEcn;
    h.gso_size = 1448;
    h.hdr_len = 54;
    OffloadInfo o;
    ASSERT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::ok);
    EXPECT_EQ(o.gso.type, GsoType::tcpv4);
    EXPECT_TRUE(o.gso.ecn);
    EXPECT_EQ(o.gso.size, 1448);
    const V back = encode_vnet_hdr(o);
    EXPECT_EQ(std::memcmp(&back, &h, sizeof h), 0);
    for (std::uint8_t t : {V::kGsoTcpv6, V::kGsoUdp, V::kGsoUdpL4}) {
        h.gso_type = t;
        ASSERT_EQ(decode_vnet_hdr(h, f.bytes, o), VnetDecodeStatus::ok);
        EXPECT_EQ(encode_vnet_hdr(o).gso_type, t);
    }
}

// D27/D28: DATA_VALID only for verified; none and partial never carry it (the veth lesson).
TEST(VnetHdr, D27_D28_DataValidOnlyForVerified) {
    OffloadInfo o;
    EXPECT_EQ(encode_vnet_hdr(o).flags, 0);
    o.csum = CsumState::verified;
    EXPECT_EQ(encode_vnet_hdr(o).flags, V::kFlagDataValid);
    o.csum = CsumState::partial;
    o.csum_start = 34;
    o.csum_offset = 6;
    const V h = encode_vnet_hdr(o);
    EXPECT_EQ(h.flags, V::kFlagNeedsCsum);
    EXPECT_EQ(h.csum_start, 34);
    EXPECT_EQ(h.csum_offset, 6);
    EXPECT_EQ(h.gso_type, V::kGsoNone);
}

}  // namespace
}  // namespace sy
