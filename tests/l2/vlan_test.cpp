#include "l2/vlan.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>

namespace sy::l2 {
namespace {

struct TestPacket {
    std::array<std::uint8_t, 256> storage{};
    Packet p;
    explicit TestPacket(std::uint32_t len, std::uint32_t headroom = 64) {
        p.buffer = storage.data();
        p.buffer_size = storage.size();
        p.offset = headroom;
        p.length = len;
        for (std::uint32_t i = 0; i < len; ++i) p.data()[i] = static_cast<std::uint8_t>(i);
        p.data()[12] = 0x08;  // IPv4
        p.data()[13] = 0x00;
    }
};

TEST(Vlan, PushThenPopRestoresFrameAndOffloadOffsets) {
    TestPacket t(60);
    t.p.offload.csum = CsumState::partial;
    t.p.offload.csum_start = 34;
    t.p.offload.csum_offset = 16;
    t.p.offload.gso = {GsoType::tcpv4, false, 1448, 54};
    std::array<std::uint8_t, 60> before;
    std::memcpy(before.data(), t.p.data(), 60);

    ASSERT_TRUE(vlan_push(t.p, 0x2005));
    EXPECT_EQ(t.p.length, 64u);
    EXPECT_TRUE(has_vlan_tag(t.p));
    EXPECT_EQ(vlan_tag_tci(t.p), 0x2005);
    EXPECT_EQ(0, std::memcmp(t.p.data(), before.data(), 12)) << "MAC addresses stay in front";
    EXPECT_EQ(0, std::memcmp(t.p.data() + 16, before.data() + 12, 48)) << "rest shifted by 4";
    EXPECT_EQ(t.p.offload.csum_start, 38) << "partial checksum start follows the L4 header";
    EXPECT_EQ(t.p.offload.gso.hdr_len, 58);

    ASSERT_TRUE(vlan_pop(t.p));
    EXPECT_EQ(t.p.length, 60u);
    EXPECT_EQ(0, std::memcmp(t.p.data(), before.data(), 60));
    EXPECT_EQ(t.p.offload.csum_start, 34);
    EXPECT_EQ(t.p.offload.gso.hdr_len, 54);
}

TEST(Vlan, PopWithoutTagFailsAndChangesNothing) {
    TestPacket t(60);
    EXPECT_FALSE(vlan_pop(t.p));
    EXPECT_EQ(t.p.length, 60u);
}

TEST(Vlan, PushWithoutHeadroomFails) {
    TestPacket t(60, 2);
    EXPECT_FALSE(vlan_push(t.p, 5));
    EXPECT_EQ(t.p.length, 60u);
}

TEST(Vlan, PolicyClassification) {
    TestPacket untagged(60);
    TestPacket tagged(60);
    ASSERT_TRUE(vlan_push(tagged.p, 20));
    std::uint16_t vlan = 99;

    const VlanPolicy none;
    EXPECT_EQ(none.classify(tagged.p, vlan), VlanIngress::accept);
    EXPECT_EQ(vlan, 0);

    const VlanPolicy access = VlanPolicy::access(10);
    EXPECT_EQ(access.classify(untagged.p, vlan), VlanIngress::accept);
    EXPECT_EQ(vlan, 10);
    EXPECT_EQ(access.classify(tagged.p, vlan), VlanIngress::drop_tagged_on_access);

    const VlanPolicy trunk = VlanPolicy::trunk({20, 30});
    EXPECT_EQ(trunk.classify(tagged.p, vlan), VlanIngress::accept);
    EXPECT_EQ(vlan, 20);
    EXPECT_EQ(trunk.classify(untagged.p, vlan), VlanIngress::drop_untagged_on_trunk);
    const VlanPolicy trunk40 = VlanPolicy::trunk({40});
    EXPECT_EQ(trunk40.classify(tagged.p, vlan), VlanIngress::drop_vlan_not_allowed);
    EXPECT_TRUE(trunk.carries(30));
    EXPECT_FALSE(trunk.carries(40));
    EXPECT_TRUE(access.carries(10));
    EXPECT_FALSE(access.carries(0));
}

}  // namespace
}  // namespace sy::l2
