#include "port/memory/memory_port.hpp"

#include <gtest/gtest.h>

namespace sy::port {
namespace {

offload::PortOffloadCaps caps() {
    offload::PortOffloadCaps c;
    c.l4_csum = true;
    return c;
}

TEST(MemoryPort, InjectedFramesArriveWithTheirMetadataAndSentOnesCanBeTaken) {
    PacketPool pool(8, 2048);
    MemoryPort port("m", caps(), 4);
    const std::vector<std::uint8_t> frame(60, 0xAB);
    OffloadInfo partial;
    partial.csum = CsumState::partial;
    partial.csum_start = 34;
    partial.csum_offset = 16;
    ASSERT_TRUE(port.inject(frame, partial));
    PacketBatch batch;
    ASSERT_EQ(port.rx_burst(pool, batch), 1u);
    EXPECT_EQ(batch.packets[0]->length, 60u);
    EXPECT_TRUE(batch.packets[0]->offload.is_partial());
    EXPECT_EQ(batch.packets[0]->offload.csum_start, 34);
    port.tx_burst(batch);
    EXPECT_TRUE(batch.empty());
    EXPECT_EQ(pool.available(), 8u) << "tx_burst returns every packet to the pool";
    auto sent = port.take();
    ASSERT_TRUE(sent.has_value());
    EXPECT_EQ(sent->bytes, frame);
    EXPECT_EQ(port.counters().rx_packets, 1u);
    EXPECT_EQ(port.counters().tx_packets, 1u);
}

TEST(MemoryPort, FullRingsAndEmptyPoolAreCounted) {
    PacketPool pool(1, 2048);
    MemoryPort port("m", caps(), 2);
    const std::vector<std::uint8_t> frame(60, 1);
    EXPECT_TRUE(port.inject(frame));
    EXPECT_TRUE(port.inject(frame));
    EXPECT_FALSE(port.inject(frame)) << "ring of 2";
    PacketBatch batch;
    EXPECT_EQ(port.rx_burst(pool, batch), 1u);
    EXPECT_EQ(port.counters().dropped(PortDrop::rx_no_buffer), 1u);
    port.tx_burst(batch);
}

TEST(MemoryPort, GeneratorAndSinkNeverRunDry) {
    PacketPool pool(64, 2048);
    MemoryPort gen("g", caps());
    MemoryPort sink("s", caps());
    gen.set_generator({MemoryFrame{std::vector<std::uint8_t>(64, 7), {}}});
    sink.set_sink(true);
    for (int i = 0; i < 10; ++i) {
        PacketBatch b;
        EXPECT_EQ(gen.rx_burst(pool, b), PacketBatch::kCapacity);
        sink.tx_burst(b);
    }
    EXPECT_EQ(sink.counters().tx_packets, 320u);
    EXPECT_FALSE(sink.take().has_value());
}

}  // namespace
}  // namespace sy::port
