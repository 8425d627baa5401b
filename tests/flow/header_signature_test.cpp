// The header signature stands in for the flow key of common-case packets, so it must be
// equal for two packets exactly when extract_key (the independent, general path) gives them
// equal keys. Checked by changing every byte of TCP and UDP frames, one at a time, to several
// values: bytes outside the key (IP ID, checksums, sequence numbers, payload) must leave the
// signature alone, every key byte must change it, and frames the general parse reads
// differently (a cut header, a fragment, a bad length) must get no signature at all.
#include <gtest/gtest.h>

#include <vector>

#include "flow/header_signature.hpp"
#include "flow/key_extract.hpp"
#include "net/parse.hpp"
#include "testlib/frame_builder.hpp"

namespace sy::flow {
namespace {

FlowKey key_of(const std::vector<std::uint8_t>& f, OfPort in_port) {
    FlowKey k;
    extract_key(f, net::parse(f, {.common_case_fast = false}), in_port, k);
    return k;
}

// Every single-byte change of `base`: when both frames have a signature, signatures equal
// exactly when keys are. Returns how many changed frames had a signature.
int check_every_byte(const std::vector<std::uint8_t>& base) {
    HeaderSignature s0;
    EXPECT_TRUE(header_signature(base, 7, s0));
    const FlowKey k0 = key_of(base, 7);
    int with_signature = 0;
    for (std::size_t at = 0; at < base.size(); ++at) {
        for (std::uint8_t x : {0x01, 0x10, 0x80, 0xff}) {
            std::vector<std::uint8_t> f = base;
            f[at] ^= x;
            HeaderSignature s;
            if (!header_signature(f, 7, s)) continue;
            ++with_signature;
            EXPECT_EQ(s == s0, key_of(f, 7) == k0) << "byte " << at << " ^ " << int(x);
        }
    }
    return with_signature;
}

TEST(HeaderSignature, EqualExactlyWhenKeysAreEqual_Tcp) {
    testlib::FrameSpec spec;
    spec.payload = testlib::make_payload(40);
    spec.tcp_options = {2, 4, 0x05, 0xb4};  // MSS: the L4 header is not at a fixed place
    EXPECT_GT(check_every_byte(testlib::build_frame(spec).bytes), 100);
}

TEST(HeaderSignature, EqualExactlyWhenKeysAreEqual_Udp) {
    testlib::FrameSpec spec;
    spec.l4 = testlib::kUdp;
    spec.payload = testlib::make_payload(30);
    EXPECT_GT(check_every_byte(testlib::build_frame(spec).bytes), 100);
}

// Frames of an EtherType the parser does not look behind: the key is the Ethernet header.
TEST(HeaderSignature, EqualExactlyWhenKeysAreEqual_OtherEtherTypes) {
    for (std::uint16_t type : {0x88cc /* LLDP */, 0x0000, 0x0600, 0x05ff, 0x8847 /* MPLS */}) {
        std::vector<std::uint8_t> f = testlib::build_frame(testlib::FrameSpec{}).bytes;
        testlib::wr16(f, 12, type);
        EXPECT_GT(check_every_byte(f), 100) << std::hex << type;
    }
    // Two 802.3 length fields are the same dl_type ("none"): the same signature.
    std::vector<std::uint8_t> a = testlib::build_frame(testlib::FrameSpec{}).bytes, b = a;
    testlib::wr16(a, 12, 0x0040);
    testlib::wr16(b, 12, 0x0041);
    HeaderSignature sa, sb;
    ASSERT_TRUE(header_signature(a, 1, sa));
    ASSERT_TRUE(header_signature(b, 1, sb));
    EXPECT_EQ(sa, sb);
    EXPECT_EQ(key_of(a, 1), key_of(b, 1));
    // A bare Ethernet header is enough; 13 bytes are not.
    a.resize(14);
    EXPECT_TRUE(header_signature(a, 1, sa));
    a.resize(13);
    EXPECT_FALSE(header_signature(a, 1, sa));
}

TEST(HeaderSignature, BytesOutsideTheKeyLeaveItAlone) {
    testlib::FrameSpec a;
    a.payload = testlib::make_payload(20, 1);
    testlib::FrameSpec b = a;
    b.ip_id = 0x9999;
    b.seq = 77;
    b.ack = 88;
    b.window = 1;
    b.payload = testlib::make_payload(20, 2);
    b.csum = testlib::CsumFill::seed;
    HeaderSignature sa, sb;
    ASSERT_TRUE(header_signature(testlib::build_frame(a).bytes, 1, sa));
    ASSERT_TRUE(header_signature(testlib::build_frame(b).bytes, 1, sb));
    EXPECT_EQ(sa, sb);
    // The port it came in on is part of the key.
    ASSERT_TRUE(header_signature(testlib::build_frame(a).bytes, 2, sb));
    EXPECT_NE(sa, sb);
}

TEST(HeaderSignature, OnlyTheCommonShapeHasOne) {
    HeaderSignature s;
    auto has = [&](const testlib::FrameSpec& spec) {
        return header_signature(testlib::build_frame(spec).bytes, 1, s);
    };
    testlib::FrameSpec tagged;
    tagged.vlans = {10};
    EXPECT_FALSE(has(tagged));
    testlib::FrameSpec qinq;
    qinq.vlans = {10, 20};
    EXPECT_FALSE(has(qinq));
    std::vector<std::uint8_t> arp = testlib::build_frame(testlib::FrameSpec{}).bytes;
    testlib::wr16(arp, 12, 0x0806);
    EXPECT_FALSE(header_signature(arp, 1, s));
    testlib::FrameSpec v6;
    v6.ip_version = 6;
    EXPECT_FALSE(has(v6));
    testlib::FrameSpec fragment;
    fragment.more_fragments = true;
    fragment.payload = testlib::make_payload(32);
    EXPECT_FALSE(has(fragment));
    testlib::FrameSpec icmp;
    icmp.l4 = testlib::kIcmp;
    EXPECT_FALSE(has(icmp));
    testlib::FrameSpec vxlan;
    vxlan.l4 = testlib::kUdp;
    vxlan.dport = 4789;
    EXPECT_FALSE(has(vxlan));
    // IPv4 options move the L4 header: the key path reads those (rare) frames.
    std::vector<std::uint8_t> opts = testlib::build_frame(testlib::FrameSpec{}).bytes;
    opts.insert(opts.begin() + 34, {1, 1, 1, 0});  // NOP NOP NOP EOL
    opts[14] = 0x46;
    testlib::wr16(opts, 16, static_cast<std::uint16_t>(testlib::rd16(opts, 16) + 4));
    EXPECT_FALSE(header_signature(opts, 1, s));
    EXPECT_EQ(key_of(opts, 1).tp_dst, 80u);  // what the general path makes of it
    // A port number wider than the signature's 24 bits for it (none is, in practice).
    EXPECT_FALSE(header_signature(testlib::build_frame(testlib::FrameSpec{}).bytes, 1u << 24, s));
    EXPECT_TRUE(
        header_signature(testlib::build_frame(testlib::FrameSpec{}).bytes, (1u << 24) - 1, s));
    // Cut inside the TCP header.
    std::vector<std::uint8_t> cut = testlib::build_frame(testlib::FrameSpec{}).bytes;
    cut.resize(14 + 20 + 10);
    EXPECT_FALSE(header_signature(cut, 1, s));
}

}  // namespace
}  // namespace sy::flow
