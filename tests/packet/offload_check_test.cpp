#include "packet/offload_check.hpp"

#include <gtest/gtest.h>

#include "net/parse.hpp"
#include "testlib/frame_builder.hpp"

namespace sy {
namespace {

using namespace testlib;

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
