// The ol_flags <-> OffloadInfo mapping on real mbufs: RX GOOD/BAD/UNKNOWN/NONE, LRO, and TX
// requests only where the device can carry them out.
#include "dpdk/offload_map.hpp"

#include <gtest/gtest.h>
#include <rte_mbuf.h>

#include <cstring>

#include "dpdk/mbuf_packet.hpp"
#include "dpdk_test_env.hpp"
#include "testlib/frame_builder.hpp"

namespace sy::dpdk {
namespace {

using sy::testlib::build_frame;
using sy::testlib::CsumFill;
using sy::testlib::FrameSpec;
using sy::testlib::Frame;
using sy::testlib::rd16;

rte_mempool* test_pool() {
    static rte_mempool* pool = nullptr;
    if (pool == nullptr)
        pool = ::rte_pktmbuf_pool_create("sy_test_map", 255, 0, kMbufPrivSize,
                                         RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
    return pool;
}

struct Mbuf {
    explicit Mbuf(const Frame& f) {
        m = ::rte_pktmbuf_alloc(test_pool());
        char* at = ::rte_pktmbuf_append(m, static_cast<std::uint16_t>(f.bytes.size()));
        std::memcpy(at, f.bytes.data(), f.bytes.size());
        p = wrap_mbuf(m);
    }
    ~Mbuf() { ::rte_pktmbuf_free(m); }
    std::uint16_t field(const Frame& f) const {
        const auto* d = rte_pktmbuf_mtod(m, const std::uint8_t*);
        return static_cast<std::uint16_t>((d[f.csum_field] << 8) | d[f.csum_field + 1]);
    }
    rte_mbuf* m;
    Packet* p;
};

class OffloadMap : public ::testing::Test {
  protected:
    void SetUp() override {
        testenv::ensure_eal();
        ASSERT_NE(test_pool(), nullptr);
    }
};

TEST_F(OffloadMap, RxGoodIsVerifiedBadAndUnknownAreNone) {
    const Frame f = build_frame(FrameSpec{.payload = std::vector<std::uint8_t>(100, 7)});
    Mbuf good(f), bad(f), unknown(f), ipbad(f);
    good.m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_GOOD | RTE_MBUF_F_RX_IP_CKSUM_GOOD;
    bad.m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_BAD;
    ipbad.m->ol_flags = RTE_MBUF_F_RX_IP_CKSUM_BAD | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
    EXPECT_EQ(rx_offload_from_mbuf(good.m, *good.p), RxCsumVerdict::good);
    EXPECT_TRUE(good.p->offload.is_verified());
    EXPECT_EQ(rx_offload_from_mbuf(bad.m, *bad.p), RxCsumVerdict::bad);
    EXPECT_EQ(bad.p->offload.csum, CsumState::none);
    EXPECT_EQ(rx_offload_from_mbuf(unknown.m, *unknown.p), RxCsumVerdict::unknown);
    EXPECT_EQ(unknown.p->offload.csum, CsumState::none);
    // An IP header the device found bad: nothing inside it is trusted.
    EXPECT_EQ(rx_offload_from_mbuf(ipbad.m, *ipbad.p), RxCsumVerdict::ip_bad);
    EXPECT_EQ(ipbad.p->offload.csum, CsumState::none);
}

TEST_F(OffloadMap, RxNoneBecomesPartialWithOurOwnSeed) {
    // NONE: the data is intact, the field is not a checksum (here: garbage). The packet becomes
    // partial and the field holds exactly the pseudo-header seed, whatever it held before.
    for (int version : {4, 6}) {
        for (std::uint8_t proto : {sy::testlib::kTcp, sy::testlib::kUdp}) {
            FrameSpec spec{.ip_version = version, .l4 = proto,
                           .payload = std::vector<std::uint8_t>(300, 9), .csum = CsumFill::bad};
            const Frame f = build_frame(spec);
            spec.csum = CsumFill::seed;
            const Frame seeded = build_frame(spec);
            Mbuf mb(f);
            mb.m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE;
            EXPECT_EQ(rx_offload_from_mbuf(mb.m, *mb.p), RxCsumVerdict::partial);
            EXPECT_TRUE(mb.p->offload.is_partial());
            EXPECT_EQ(mb.p->offload.csum_start, f.l4);
            EXPECT_EQ(mb.p->offload.csum_start + mb.p->offload.csum_offset, f.csum_field);
            EXPECT_EQ(mb.field(f), rd16(seeded.bytes, seeded.csum_field)) << version << proto;
        }
    }
}

TEST_F(OffloadMap, RxNoneOnNonTcpUdpStaysNone) {
    const Frame f = build_frame(FrameSpec{.l4 = sy::testlib::kIcmp,
                                          .payload = std::vector<std::uint8_t>(40, 1)});
    Mbuf mb(f);
    mb.m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE;
    EXPECT_EQ(rx_offload_from_mbuf(mb.m, *mb.p), RxCsumVerdict::unknown);
    EXPECT_EQ(mb.p->offload.csum, CsumState::none);
    EXPECT_EQ(mb.field(f), rd16(f.bytes, f.csum_field));  // untouched
}

TEST_F(OffloadMap, RxLroIsATcpSuperFrame) {
    const Frame f = build_frame(FrameSpec{.payload = std::vector<std::uint8_t>(1800, 3)});
    Mbuf mb(f);
    mb.m->ol_flags = RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_NONE;
    mb.m->tso_segsz = 1000;
    EXPECT_EQ(rx_offload_from_mbuf(mb.m, *mb.p), RxCsumVerdict::partial);
    EXPECT_EQ(mb.p->offload.gso.type, GsoType::tcpv4);
    EXPECT_EQ(mb.p->offload.gso.size, 1000);
    EXPECT_EQ(mb.p->offload.gso.hdr_len, f.payload);
    EXPECT_TRUE(mb.p->offload.is_partial());
}

TEST_F(OffloadMap, TxPartialOnlyWhereTheDeviceCan) {
    const Frame f = build_frame(FrameSpec{.payload = std::vector<std::uint8_t>(200, 5),
                                          .csum = CsumFill::seed});
    Mbuf mb(f);
    mb.p->offload.csum = CsumState::partial;
    mb.p->offload.csum_start = static_cast<std::uint16_t>(f.l4);
    mb.p->offload.csum_offset = 16;
    EXPECT_FALSE(tx_offload_to_mbuf(*mb.p, mb.m, DeviceTxOffloads{}));
    DeviceTxOffloads dev{.ipv4_cksum = true, .tcp_cksum = true, .udp_cksum = true};
    ASSERT_TRUE(tx_offload_to_mbuf(*mb.p, mb.m, dev));
    EXPECT_EQ(mb.m->ol_flags & RTE_MBUF_F_TX_L4_MASK, RTE_MBUF_F_TX_TCP_CKSUM);
    EXPECT_TRUE(mb.m->ol_flags & RTE_MBUF_F_TX_IPV4);
    EXPECT_EQ(mb.m->l2_len, f.l3);
    EXPECT_EQ(mb.m->l3_len, f.l4 - f.l3);
    EXPECT_EQ(mb.field(f), rd16(f.bytes, f.csum_field));  // DPDK's seed == the kernel's here
}

TEST_F(OffloadMap, TxTsoNeedsTheDeviceAndSetsTheSegmentSize) {
    const Frame f = build_frame(FrameSpec{.payload = std::vector<std::uint8_t>(1800, 5),
                                          .csum = CsumFill::seed});
    Mbuf mb(f);
    mb.p->offload.csum = CsumState::partial;
    mb.p->offload.csum_start = static_cast<std::uint16_t>(f.l4);
    mb.p->offload.csum_offset = 16;
    mb.p->offload.gso = {GsoType::tcpv4, false, 1000, static_cast<std::uint16_t>(f.payload)};
    DeviceTxOffloads csum_only{.ipv4_cksum = true, .tcp_cksum = true, .udp_cksum = true};
    EXPECT_FALSE(tx_offload_to_mbuf(*mb.p, mb.m, csum_only));
    DeviceTxOffloads tso = csum_only;
    tso.tcp_tso = true;
    ASSERT_TRUE(tx_offload_to_mbuf(*mb.p, mb.m, tso));
    EXPECT_TRUE(mb.m->ol_flags & RTE_MBUF_F_TX_TCP_SEG);
    EXPECT_TRUE(mb.m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM);
    EXPECT_EQ(mb.m->tso_segsz, 1000);
    EXPECT_EQ(mb.m->l4_len, f.payload - f.l4);
}

TEST_F(OffloadMap, TxNothingAskedNothingSet) {
    const Frame f = build_frame(FrameSpec{.payload = std::vector<std::uint8_t>(64, 5)});
    Mbuf mb(f);
    mb.m->ol_flags = RTE_MBUF_F_TX_TCP_CKSUM;  // stale flags from a previous life
    mb.p->offload.csum = CsumState::verified;  // no TX meaning for an mbuf
    ASSERT_TRUE(tx_offload_to_mbuf(*mb.p, mb.m, DeviceTxOffloads{}));
    EXPECT_EQ(mb.m->ol_flags, 0u);
}

}  // namespace
}  // namespace sy::dpdk
