#include "packet/packet_pool.hpp"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace sy {
namespace {

TEST(PacketPool, AllocatesEveryBufferOnceThenReportsEmpty) {
    PacketPool pool(4, 2048);
    std::set<Packet*> seen;
    for (int i = 0; i < 4; ++i) {
        Packet* p = pool.alloc();
        ASSERT_NE(p, nullptr);
        EXPECT_TRUE(seen.insert(p).second);
        EXPECT_EQ(p->headroom(), kDefaultHeadroom);
        EXPECT_EQ(p->length, 0u);
        EXPECT_EQ(p->tailroom(), 2048u - kDefaultHeadroom);
    }
    EXPECT_EQ(pool.alloc(), nullptr);  // the caller counts a drop
    EXPECT_EQ(pool.alloc_failures(), 1u);
    EXPECT_EQ(pool.available(), 0u);
}

TEST(PacketPool, BuffersDoNotOverlap) {
    PacketPool pool(3, 256, 0);
    std::vector<Packet*> ps;
    for (int i = 0; i < 3; ++i) ps.push_back(pool.alloc());
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(ps[i]->resize(256));
        std::fill(ps[i]->data(), ps[i]->data() + 256, static_cast<std::uint8_t>(i + 1));
    }
    for (int i = 0; i < 3; ++i) {
        for (std::uint32_t j = 0; j < 256; ++j) ASSERT_EQ(ps[i]->data()[j], i + 1);
    }
}

TEST(PacketPool, FreedPacketsComeBackReset) {
    PacketPool pool(1, 512);
    Packet* p = pool.alloc();
    p->resize(100);
    p->offload.csum = CsumState::verified;
    p->in_port = 7;
    pool.free(p);
    Packet* q = pool.alloc();
    EXPECT_EQ(q, p);
    EXPECT_EQ(q->length, 0u);
    EXPECT_EQ(q->offload.csum, CsumState::none);
    EXPECT_EQ(q->in_port, kNoPort);
}

TEST(PacketPool, DoubleAndForeignFreesAreCountedNotCorrupting) {
    PacketPool pool(2, 512);
    Packet* p = pool.alloc();
    pool.free(p);
    pool.free(p);
    Packet foreign;
    pool.free(&foreign);
    EXPECT_EQ(pool.bad_frees(), 2u);
    EXPECT_EQ(pool.available(), 2u);
    Packet* a = pool.alloc();
    Packet* b = pool.alloc();
    EXPECT_NE(a, b);
    EXPECT_EQ(pool.alloc(), nullptr);
}

TEST(PacketPool, SuperFrameBuffersHoldA64KiBDatagram) {
    PacketPool pool(1, kSuperFrameBufferSize);
    Packet* p = pool.alloc();
    EXPECT_TRUE(p->resize(kMaxSuperFrame));
    EXPECT_FALSE(p->resize(kMaxSuperFrame + 1));
    EXPECT_TRUE(p->push_front(kDefaultHeadroom));
}

TEST(PacketPool, HeadroomLargerThanBufferBecomesZero) {
    PacketPool pool(1, 64, 128);
    EXPECT_EQ(pool.headroom(), 0u);
    EXPECT_EQ(pool.alloc()->tailroom(), 64u);
}

TEST(Packet, PushAndPullMoveOffloadOffsetsWithTheFrame) {
    PacketPool pool(1, 2048);
    Packet* p = pool.alloc();
    p->resize(100);
    p->offload.csum = CsumState::partial;
    p->offload.csum_start = 34;
    p->offload.csum_offset = 16;
    p->offload.gso = {GsoType::tcpv4, false, 1448, 54};
    ASSERT_TRUE(p->push_front(4));  // VLAN push
    EXPECT_EQ(p->offload.csum_start, 38);
    EXPECT_EQ(p->offload.gso.hdr_len, 58);
    ASSERT_TRUE(p->pull_front(4));  // VLAN pop
    EXPECT_EQ(p->offload.csum_start, 34);
    EXPECT_EQ(p->offload.gso.hdr_len, 54);
    ASSERT_TRUE(p->pull_front(50));  // the partial header itself went away (decapsulation)
    EXPECT_EQ(p->offload.csum, CsumState::none);
}

}  // namespace
}  // namespace sy
