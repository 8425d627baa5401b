#include "packet/vnet_hdr.hpp"

#include <gtest/gtest.h>

#include "net/parse.hpp"
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

OffloadCheck check(const Frame& f, const OffloadInfo& o) {
    return check_offload(o, net::parse(f.bytes), static_cast<std::uint32_t>(f.bytes.size()));
}

TEST(CheckOffload, PartialAtTheL4HeaderIsOkForEveryProtocol) {
    for (int v : {4, 6}) {
        for (std::uint8_t proto : {kTcp, kUdp, kSctp}) {
            const Frame f = build_frame({.ip_version = v,
                                         .l4 = proto,
                                         .vlans = {5},
                                         .payload = make_payload(33),
                                         .csum = CsumFill::seed});
            EXPECT_EQ(check(f, partial_offload(f)), OffloadCheck::ok) << v << " " << int(proto);
        }
    }
}

TEST(CheckOffload, A6_OffsetsThatDoNotMatchTheHeadersAreNamed) {
    const Frame f = build_frame({.payload = make_payload(100), .csum = CsumFill::seed});
    OffloadInfo o = partial_offload(f);
    o.csum_offset = 6;  // UDP's offset on a TCP header
    EXPECT_EQ(check(f, o), OffloadCheck::csum_offset_mismatch);
    o = partial_offload(f);
    o.csum_start = 40;
    EXPECT_EQ(check(f, o), OffloadCheck::csum_start_not_l4);
    o.csum_start = static_cast<std::uint16_t>(f.bytes.size());
    EXPECT_EQ(check(f, o), OffloadCheck::csum_start_beyond_frame);
    o.csum_start = static_cast<std::uint16_t>(f.bytes.size() - 10);
    o.csum_offset = 16;
    EXPECT_EQ(check(f, o), OffloadCheck::csum_field_beyond_frame);
    Frame truncated = f;
    truncated.bytes.resize(100);  // IP total length now exceeds the frame
    EXPECT_EQ(check(truncated, partial_offload(truncated)), OffloadCheck::datagram_truncated);
    truncated.bytes.resize(40);  // not even a whole IPv4 header
    OffloadInfo early = partial_offload(truncated);
    early.csum_start = 14;
    early.csum_offset = 0;
    EXPECT_EQ(check(truncated, early), OffloadCheck::parse_failed);
}

TEST(CheckOffload, PartialOnAFragmentIsMalformed) {
    const Frame f = build_frame({.l4 = kUdp,
                                 .df = false,
                                 .more_fragments = true,
                                 .payload = make_payload(64),
                                 .csum = CsumFill::seed});
    EXPECT_EQ(check(f, partial_offload(f)), OffloadCheck::csum_on_fragment);
}

TEST(CheckOffload, A5_InnerL4OfATunnelIsAnL4Header) {
    const Frame inner = build_frame({.payload = make_payload(50), .csum = CsumFill::seed});
    std::uint32_t shift = 0;
    const Frame outer = build_vxlan({}, inner, shift);
    OffloadInfo o = partial_offload(inner);
    o.csum_start = static_cast<std::uint16_t>(o.csum_start + shift);
    const net::ParsedHeaders parsed = net::parse(outer.bytes);
    ASSERT_EQ(parsed.tunnel, net::TunnelKind::vxlan);
    EXPECT_EQ(check_offload(o, parsed, static_cast<std::uint32_t>(outer.bytes.size())),
              OffloadCheck::ok);
    EXPECT_EQ(partial_csum_layers(o, parsed), &parsed.inner);
}

TEST(CheckOffload, GsoMustMatchTheHeaders) {
    const Frame v4 = build_frame({.payload = make_payload(3000), .csum = CsumFill::seed});
    const Frame v6 =
        build_frame({.ip_version = 6, .payload = make_payload(3000), .csum = CsumFill::seed});
    const Frame udp =
        build_frame({.l4 = kUdp, .payload = make_payload(3000), .csum = CsumFill::seed});
    EXPECT_EQ(check(v4, gso_offload(v4, 1448)), OffloadCheck::ok);
    EXPECT_EQ(check(v6, gso_offload(v6, 1428)), OffloadCheck::ok);
    EXPECT_EQ(check(udp, gso_offload(udp, 1000)), OffloadCheck::ok);
    OffloadInfo o = gso_offload(v4, 1448);
    o.gso.type = GsoType::tcpv6;
    EXPECT_EQ(check(v4, o), OffloadCheck::gso_type_mismatch);
    o = gso_offload(udp, 1000);
    o.gso.type = GsoType::tcpv4;
    EXPECT_EQ(check(udp, o), OffloadCheck::gso_type_mismatch);
    o = gso_offload(v4, 1448);
    o.csum = CsumState::none;
    EXPECT_EQ(check(v4, o), OffloadCheck::gso_without_partial);
    o.csum = CsumState::verified;
    EXPECT_EQ(check(v4, o), OffloadCheck::ok);  // GRO'd
    o = gso_offload(v4, 0);
    EXPECT_EQ(check(v4, o), OffloadCheck::gso_size_zero);
    o = gso_offload(v4, 1448);
    o.gso.hdr_len = 0xFFFF;
    EXPECT_EQ(check(v4, o), OffloadCheck::hdr_len_beyond_frame);
}

}  // namespace
}  // namespace sy
