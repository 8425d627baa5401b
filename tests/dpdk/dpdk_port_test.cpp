// DpdkPort against real poll-mode drivers: net_ring (a loopback: what is sent comes back,
// mbuf and flags included) and net_null (a sink and a source of unchecked frames).
#include "dpdk/dpdk_port.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "dpdk_test_env.hpp"
#include "packet/packet_pool.hpp"
#include "testlib/frame_builder.hpp"

namespace sy::dpdk {
namespace {

using sy::testlib::build_frame;
using sy::testlib::CsumFill;
using sy::testlib::FrameSpec;
using sy::testlib::Frame;

std::map<std::string, std::uint64_t> stats_of(const port::Port& p) {
    port::DriverStats s;
    p.driver_stats(s);
    return {s.begin(), s.end()};
}

std::unique_ptr<port::Port> open(const std::string& name, const std::string& devargs) {
    auto p = open_dpdk_port(DpdkPortOptions{.name = name, .devargs = devargs, .mbufs = 1023});
    EXPECT_TRUE(p) << p.status().message();
    return p ? std::move(*p) : nullptr;
}

// Polls until `want` packets arrived (the ring is synchronous; a few rounds at most).
std::uint32_t receive(port::Port& port, PacketPool& pool, PacketBatch& batch, std::uint32_t want) {
    for (int i = 0; i < 100 && batch.count < want; ++i) port.rx_burst(pool, batch);
    return batch.count;
}

class DpdkPortTest : public ::testing::Test {
  protected:
    void SetUp() override { testenv::ensure_eal(); }
    PacketPool pool{64, kSuperFrameBufferSize};
};

TEST_F(DpdkPortTest, HasNoFdAndNeedsBusyPolling) {
    auto port = open("ring", "net_ring0");
    ASSERT_TRUE(port);
    EXPECT_EQ(port->poll_fd(), -1);
    EXPECT_TRUE(port->needs_busy_poll());
    EXPECT_FALSE(port->caps().accepts_verified_mark);
}

TEST_F(DpdkPortTest, RingLoopbackCopiesInAndKeepsPartialMetadata) {
    auto port = open("ring", "net_ring1");
    ASSERT_TRUE(port);
    // A partial TCP packet from a kernel port's pool: copied into an mbuf on send; the ring
    // hands the same mbuf back, TX request included, and it arrives partial again.
    const Frame f = build_frame(FrameSpec{.payload = std::vector<std::uint8_t>(500, 4),
                                          .csum = CsumFill::seed});
    Packet* p = pool.alloc();
    ASSERT_NE(p, nullptr);
    std::memcpy(p->data(), f.bytes.data(), f.bytes.size());
    p->length = static_cast<std::uint32_t>(f.bytes.size());
    p->offload.csum = CsumState::partial;
    p->offload.csum_start = static_cast<std::uint16_t>(f.l4);
    p->offload.csum_offset = 16;
    // net_ring advertises no checksum offload: the datapath would have finished it first;
    // sent as is, the port refuses rather than send a wrong checksum.
    PacketBatch out;
    out.push(p);
    port->tx_burst(out);
    EXPECT_EQ(pool.available(), pool.capacity());  // given back either way
    EXPECT_EQ(port->counters().dropped(port::PortDrop::tx_bad_offload), 1u);

    // Unchecked packets go through, copied once, and come back unchecked.
    p = pool.alloc();
    std::memcpy(p->data(), f.bytes.data(), f.bytes.size());
    p->length = static_cast<std::uint32_t>(f.bytes.size());
    out.push(p);
    port->tx_burst(out);
    EXPECT_EQ(port->counters().tx_packets, 1u);
    PacketBatch in;
    ASSERT_EQ(receive(*port, pool, in, 1), 1u);
    Packet* back = in.packets[0];
    EXPECT_EQ(back->owner == static_cast<PacketOwner*>(&pool), false);  // an mbuf, not a copy
    ASSERT_EQ(back->length, f.bytes.size());
    EXPECT_EQ(0, std::memcmp(back->data(), f.bytes.data(), f.bytes.size()));
    EXPECT_EQ(back->offload.csum, CsumState::none);  // nothing checked: never verified

    // Sent again on a DPDK port it leaves in its own mbuf (no copy), after a header push.
    ASSERT_TRUE(back->push_front(4));
    std::memset(back->data(), 0xAB, 4);
    out.push(back);
    port->tx_burst(out);
    auto st = stats_of(*port);
    EXPECT_EQ(st["sy_tx_copied"], 1u);
    EXPECT_EQ(st["sy_tx_zero_copy"], 1u);
    in.clear();
    ASSERT_EQ(receive(*port, pool, in, 1), 1u);
    ASSERT_EQ(in.packets[0]->length, f.bytes.size() + 4);
    EXPECT_EQ(in.packets[0]->data()[0], 0xAB);
    EXPECT_EQ(0, std::memcmp(in.packets[0]->data() + 4, f.bytes.data(), f.bytes.size()));
    release(in.packets[0]);
    st = stats_of(*port);
    EXPECT_EQ(st["sy_rx_csum_unknown"], 2u);
    EXPECT_EQ(st["ipackets"], 2u);
    EXPECT_EQ(st["opackets"], 2u);
}

TEST_F(DpdkPortTest, NullPortSinksAndSourcesUncheckedFrames) {
    auto port = open("null", "net_null0,size=64");
    ASSERT_TRUE(port);
    PacketBatch in;
    ASSERT_EQ(port->rx_burst(pool, in), PacketBatch::kCapacity);
    for (Packet* p : in) {
        EXPECT_EQ(p->length, 64u);
        EXPECT_EQ(p->offload.csum, CsumState::none);
    }
    port->tx_burst(in);  // back out, zero copy
    EXPECT_EQ(port->counters().tx_packets, PacketBatch::kCapacity);
    EXPECT_EQ(stats_of(*port)["sy_tx_zero_copy"], PacketBatch::kCapacity);
}

TEST_F(DpdkPortTest, BadDevargsArePreciseErrors) {
    auto bogus = open_dpdk_port(DpdkPortOptions{.name = "x", .devargs = "net_nonexistent0"});
    ASSERT_FALSE(bogus);
    EXPECT_NE(bogus.status().message().find("net_nonexistent0"), std::string::npos);
    auto spaced = open_dpdk_port(DpdkPortOptions{.name = "x", .devargs = "net_null0, size=64"});
    ASSERT_FALSE(spaced);
    EXPECT_NE(spaced.status().message().find("spaces"), std::string::npos);
    auto queues = open_dpdk_port(
        DpdkPortOptions{.name = "x", .devargs = "net_null9", .rx_queues = 4000});
    ASSERT_FALSE(queues);
    EXPECT_NE(queues.status().message().find("queues"), std::string::npos);
    // The refused device was removed again: the same devargs work now.
    EXPECT_TRUE(open_dpdk_port(DpdkPortOptions{.name = "x", .devargs = "net_null9"}));
}

TEST(DpdkVhostDevargs, NamesAreUniqueAndSafe) {
    const std::string a = vhost_user_devargs("vhu 0", "/tmp/s", false, 1);
    const std::string b = vhost_user_devargs("vhu 0", "/tmp/s", true, 2);
    EXPECT_NE(a.substr(0, a.find(',')), b.substr(0, b.find(',')));
    EXPECT_EQ(a.find(' '), std::string::npos);
    EXPECT_NE(a.find("iface=/tmp/s"), std::string::npos);
    EXPECT_NE(b.find("client=1"), std::string::npos);
    EXPECT_NE(b.find("queues=2"), std::string::npos);
}

}  // namespace
}  // namespace sy::dpdk
