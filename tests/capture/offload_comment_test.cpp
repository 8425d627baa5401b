#include "capture/offload_comment.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sy::capture {
namespace {

std::string format(const OffloadInfo* o, KernelMark k) {
    char buf[kMaxOffloadCommentLength];
    return std::string(buf, format_offload_comment(buf, sizeof buf, o, k));
}

TEST(OffloadComment, PartialGsoAndMarkUseTheDocumentedGrammar) {
    OffloadInfo o;
    o.csum = CsumState::partial;
    o.csum_start = 34;
    o.csum_offset = 16;
    o.gso = {GsoType::tcpv4, false, 1448, 66};
    EXPECT_EQ(format(&o, KernelMark::csum_notready),
              "sy: csum=partial start=34 off=16 gso=tcpv4 size=1448 hdr=66 kmark=csum_notready");
}

TEST(OffloadComment, KernelCaptureRecordsOnlyTheMark) {
    EXPECT_EQ(format(nullptr, KernelMark::none), "sy: kmark=none");
    EXPECT_EQ(format(nullptr, KernelMark::unknown), "");
}

TEST(OffloadComment, RoundTrips) {
    OffloadInfo o;
    o.csum = CsumState::partial;
    o.csum_start = 54;
    o.csum_offset = 6;
    o.gso = {GsoType::udp_l4, true, 1200, 62};
    auto meta = parse_offload_comment(format(&o, KernelMark::csum_valid));
    ASSERT_TRUE(meta);
    EXPECT_TRUE(meta->has_offload);
    EXPECT_EQ(meta->offload.csum, CsumState::partial);
    EXPECT_EQ(meta->offload.csum_start, 54);
    EXPECT_EQ(meta->offload.csum_offset, 6);
    EXPECT_EQ(meta->offload.gso.type, GsoType::udp_l4);
    EXPECT_TRUE(meta->offload.gso.ecn);
    EXPECT_EQ(meta->offload.gso.size, 1200);
    EXPECT_EQ(meta->offload.gso.hdr_len, 62);
    EXPECT_EQ(meta->kmark, KernelMark::csum_valid);
}

TEST(OffloadComment, ForeignCommentsAndBadValuesAreRejectedUnknownKeysIgnored) {
    EXPECT_FALSE(parse_offload_comment("hello world"));
    EXPECT_FALSE(parse_offload_comment("sy: csum=maybe"));
    EXPECT_FALSE(parse_offload_comment("sy: start=99999"));
    auto meta = parse_offload_comment("sy: future=1 kmark=csum_notready");
    ASSERT_TRUE(meta);
    EXPECT_FALSE(meta->has_offload);
    EXPECT_EQ(meta->kmark, KernelMark::csum_notready);
}

}  // namespace
}  // namespace sy::capture
