// AF_PACKET and TAP ports against the real kernel (root): a veth pair (no addresses, IPv6 off,
// so nothing but our frames crosses it) carries a partial checksum and a TCP super-frame with
// their metadata intact in vnet-header mode, and none in legacy mode.
#include <net/if.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>

#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/core.h>

#include "port/af_packet/af_packet_port.hpp"
#include "port/tap/tap_port.hpp"
#include "testlib/frame_builder.hpp"

namespace sy::port {
namespace {

using namespace std::chrono_literals;

int sh(const std::string& cmd) {
    return std::system(cmd.c_str());
}

void disable_ipv6(const std::string& ifname) {
    std::ofstream(fmt::format("/proc/sys/net/ipv6/conf/{}/disable_ipv6", ifname)) << "1";
}

class VethPair : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root";
        a = fmt::format("sydpk{}a", ::getpid() % 100000);
        b = fmt::format("sydpk{}b", ::getpid() % 100000);
        ASSERT_EQ(sh(fmt::format("ip link add {} type veth peer name {}", a, b)), 0);
        disable_ipv6(a);
        disable_ipv6(b);
        ASSERT_EQ(sh(fmt::format("ip link set {} up && ip link set {} up", a, b)), 0);
        // Until link-watch has activated the queueing discipline, sends are silently dropped.
        for (int i = 0; i < 300 && !(operstate_up(a) && operstate_up(b)); ++i) {
            std::this_thread::sleep_for(10ms);
        }
        ASSERT_TRUE(operstate_up(a) && operstate_up(b));
    }
    static bool operstate_up(const std::string& ifname) {
        std::string state;
        std::ifstream(fmt::format("/sys/class/net/{}/operstate", ifname)) >> state;
        return state == "up";
    }
    void TearDown() override {
        if (!a.empty()) sh(fmt::format("ip link del {} 2>/dev/null", a));
    }
    // Receives one frame on `port`, waiting up to a second.
    Packet* receive(Port& port, PacketPool& pool) {
        for (int i = 0; i < 200; ++i) {
            PacketBatch batch;
            if (port.rx_burst(pool, batch) > 0) {
                for (std::uint32_t j = 1; j < batch.count; ++j) pool.free(batch.packets[j]);
                return batch.packets[0];
            }
            std::this_thread::sleep_for(5ms);
        }
        return nullptr;
    }
    // Sends the port's first frame, and checks that it left.
    void send(Port& port, const std::vector<std::uint8_t>& bytes, const OffloadInfo& offload) {
        send_more(port, bytes, offload);
        ASSERT_EQ(port.counters().tx_packets, 1u) << "send failed";
    }
    // Polls the port until it notices its interface is gone (at most ~0.5 s).
    void wait_gone(Port& port) {
        PacketBatch batch;
        for (int i = 0; i < 100 && !port.gone(); ++i) {
            port.rx_burst(pool, batch);
            std::this_thread::sleep_for(5ms);
        }
        for (std::uint32_t i = 0; i < batch.count; ++i) pool.free(batch.packets[i]);
    }
    // Sends one more frame (no per-call count check, unlike send()).
    void send_more(Port& port, const std::vector<std::uint8_t>& bytes, const OffloadInfo& offload) {
        Packet* p = pool.alloc();
        ASSERT_NE(p, nullptr);
        std::memcpy(p->data(), bytes.data(), bytes.size());
        p->length = static_cast<std::uint32_t>(bytes.size());
        p->offload = offload;
        PacketBatch batch;
        batch.push(p);
        port.tx_burst(batch);
    }
    // Receives up to `want` frames (until none came for 100 ms), handing each to
    // `check(packet, index)` and freeing it. Returns how many arrived.
    template <class Check>
    std::size_t drain(Port& port, std::size_t want, Check&& check) {
        std::size_t k = 0;
        for (int idle = 0; idle < 20 && k < want;) {
            PacketBatch in;
            if (port.rx_burst(pool, in) == 0) {
                ++idle;
                std::this_thread::sleep_for(5ms);
                continue;
            }
            idle = 0;
            for (Packet* q : in) {
                if (k < want) check(*q, k);
                ++k;
                pool.free(q);
            }
        }
        return k;
    }
    std::string a, b;
    PacketPool pool{64, kSuperFrameBufferSize};
};

testlib::Frame tcp(std::size_t payload) {
    testlib::FrameSpec s;
    s.payload = testlib::make_payload(payload);
    s.csum = testlib::CsumFill::seed;
    return testlib::build_frame(s);
}

TEST_F(VethPair, VnetHeaderCarriesAPartialChecksumAcross) {
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, {});
    ASSERT_TRUE(pa) << pa.status().message();
    ASSERT_TRUE(pb) << pb.status().message();
    EXPECT_TRUE(pa.value()->caps().l4_csum);
    EXPECT_TRUE(pa.value()->caps().tso4);
    EXPECT_FALSE(pa.value()->caps().uso) << "never advertise UDP segmentation (case 8)";
    const testlib::Frame f = tcp(100);
    send(*pa.value(), f.bytes, testlib::partial_offload(f));
    Packet* got = receive(*pb.value(), pool);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(std::vector<std::uint8_t>(got->data(), got->data() + got->length), f.bytes);
    EXPECT_TRUE(got->offload.is_partial()) << "CHECKSUM_PARTIAL must survive the hop";
    EXPECT_EQ(got->offload.csum_start, f.l4);
    EXPECT_EQ(got->offload.csum_offset, 16);
    pool.free(got);
    PacketBatch none;
    EXPECT_EQ(pa.value()->rx_burst(pool, none), 0u) << "PACKET_IGNORE_OUTGOING: not our own frame";
}

TEST_F(VethPair, VnetHeaderCarriesATcpSuperFrameWhole) {
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, {});
    ASSERT_TRUE(pa && pb);
    const testlib::Frame f = tcp(30000);
    send(*pa.value(), f.bytes, testlib::gso_offload(f, 1448));
    Packet* got = receive(*pb.value(), pool);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->length, f.bytes.size());
    EXPECT_EQ(got->offload.gso.type, GsoType::tcpv4);
    EXPECT_EQ(got->offload.gso.size, 1448);
    pool.free(got);
}

TEST_F(VethPair, FramesTheKernelDroppedForAFullSocketQueueAreCounted) {
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, {});
    ASSERT_TRUE(pa && pb);
    const testlib::Frame f = tcp(30000);
    auto sent = [&](int n) {
        for (int i = 0; i < n; ++i) send_more(*pa.value(), f.bytes, testlib::gso_offload(f, 1448));
    };
    sent(10);
    pb.value()->refresh_counters();
    EXPECT_EQ(pb.value()->counters().dropped(PortDrop::rx_kernel_queue_full), 0u);
    sent(600);  // ~18 MB into an 8 MB socket queue nobody drains
    pb.value()->refresh_counters();
    const std::uint64_t dropped = pb.value()->counters().dropped(PortDrop::rx_kernel_queue_full);
    EXPECT_GT(dropped, 0u);
    const std::uint64_t received = drain(*pb.value(), ~std::size_t{0}, [](Packet&, std::size_t) {});
    EXPECT_EQ(received + dropped, 610u) << "every frame is either received or counted";
}

TEST_F(VethPair, Tpacketv3RingReceivesSmallFramesAndSuperFramesWithMetadata) {
    AfPacketOptions ring;
    ring.rx = AfPacketRxMode::ring_v3;
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, ring);
    ASSERT_TRUE(pa && pb) << (pb ? "" : pb.status().message());
    const testlib::Frame small = tcp(100);
    const testlib::Frame super = tcp(60000);
    send(*pa.value(), small.bytes, testlib::partial_offload(small));
    Packet* p = pool.alloc();
    std::memcpy(p->data(), super.bytes.data(), super.bytes.size());
    p->length = static_cast<std::uint32_t>(super.bytes.size());
    p->offload = testlib::gso_offload(super, 1448);
    PacketBatch out;
    out.push(p);
    pa.value()->tx_burst(out);
    std::vector<Packet*> got;
    for (int i = 0; i < 200 && got.size() < 2; ++i) {
        PacketBatch in;
        pb.value()->rx_burst(pool, in);
        for (Packet* q : in) got.push_back(q);
        if (got.size() < 2) std::this_thread::sleep_for(5ms);
    }
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0]->length, small.bytes.size());
    EXPECT_TRUE(got[0]->offload.is_partial());
    EXPECT_EQ(got[1]->length, super.bytes.size()) << "a 60 KB super-frame fits a 128 KiB block";
    EXPECT_EQ(got[1]->offload.gso.type, GsoType::tcpv4);
    for (Packet* q : got) pool.free(q);
}

// Frames numbered by their TCP sequence number and payload, so order and content both show.
testlib::Frame numbered_tcp(std::size_t payload, std::uint32_t n) {
    testlib::FrameSpec s;
    s.seq = 1000 + n;
    s.payload = testlib::make_payload(payload, n + 1);
    s.csum = testlib::CsumFill::seed;
    return testlib::build_frame(s);
}

AfPacketOptions ring_v2() {
    AfPacketOptions o;
    o.rx = AfPacketRxMode::ring_v2;
    return o;
}

TEST_F(VethPair, Tpacketv2RingReceivesSmallFramesInOrderWithPartialChecksums) {
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, ring_v2());
    ASSERT_TRUE(pa && pb) << (pb ? "" : pb.status().message());
    std::vector<testlib::Frame> frames;
    for (std::uint32_t i = 0; i < 100; ++i) frames.push_back(numbered_tcp(20 + i, i));
    for (const auto& f : frames) send_more(*pa.value(), f.bytes, testlib::partial_offload(f));
    ASSERT_EQ(pa.value()->counters().tx_packets, frames.size());
    const std::size_t got = drain(*pb.value(), frames.size(), [&](Packet& p, std::size_t k) {
        EXPECT_EQ(std::vector<std::uint8_t>(p.data(), p.data() + p.length), frames[k].bytes)
            << "frame " << k << " in order, bytes intact";
        EXPECT_TRUE(p.offload.is_partial()) << k;
        EXPECT_EQ(p.offload.csum_start, frames[k].l4) << k;
        EXPECT_EQ(p.offload.csum_offset, 16) << k;
    });
    EXPECT_EQ(got, frames.size());
    EXPECT_EQ(pb.value()->counters().rx_packets, frames.size());
}

TEST_F(VethPair, Tpacketv2RingReceivesATcpSuperFrameWholeThroughTheCopyPath) {
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, ring_v2());
    ASSERT_TRUE(pa && pb);
    // 30 KB: far more than a 2 KiB slot, so the kernel queues it whole (TP_STATUS_COPY).
    const testlib::Frame f = numbered_tcp(30000, 7);
    send(*pa.value(), f.bytes, testlib::gso_offload(f, 1448));
    Packet* got = receive(*pb.value(), pool);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->length, f.bytes.size());
    EXPECT_TRUE(std::vector<std::uint8_t>(got->data(), got->data() + got->length) == f.bytes)
        << "the whole frame, not the slot's truncated copy";
    EXPECT_EQ(got->offload.gso.type, GsoType::tcpv4);
    EXPECT_EQ(got->offload.gso.size, 1448);
    EXPECT_TRUE(got->offload.is_partial());
    EXPECT_EQ(got->offload.csum_start, f.l4);
    pool.free(got);
    EXPECT_EQ(pb.value()->counters().dropped(PortDrop::rx_truncated), 0u);
}

TEST_F(VethPair, Tpacketv2RingRestoresTheVlanTagOfASuperFrame) {
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, ring_v2());
    ASSERT_TRUE(pa && pb);
    testlib::FrameSpec spec;
    spec.vlans = {0x2000 | 42};
    spec.payload = testlib::make_payload(20000);
    spec.csum = testlib::CsumFill::seed;
    const testlib::Frame f = testlib::build_frame(spec);
    send(*pa.value(), f.bytes, testlib::gso_offload(f, 1448));
    Packet* got = receive(*pb.value(), pool);
    ASSERT_NE(got, nullptr);
    EXPECT_TRUE(std::vector<std::uint8_t>(got->data(), got->data() + got->length) == f.bytes)
        << "the copy path puts the tag back from PACKET_AUXDATA";
    EXPECT_EQ(got->offload.gso.type, GsoType::tcpv4);
    EXPECT_EQ(got->offload.csum_start, f.l4);
    pool.free(got);
}

TEST_F(VethPair, Tpacketv2RingKeepsSmallAndSuperFramesInOrder) {
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, ring_v2());
    ASSERT_TRUE(pa && pb);
    std::vector<testlib::Frame> frames;
    for (std::uint32_t i = 0; i < 40; ++i) {
        frames.push_back(numbered_tcp(i % 2 == 0 ? 100 : 20000 + 100 * i, i));
    }
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto& f = frames[i];
        send_more(*pa.value(), f.bytes,
                  i % 2 == 0 ? testlib::partial_offload(f) : testlib::gso_offload(f, 1448));
    }
    ASSERT_EQ(pa.value()->counters().tx_packets, frames.size());
    const std::size_t got = drain(*pb.value(), frames.size(), [&](Packet& p, std::size_t k) {
        EXPECT_EQ(p.length, frames[k].bytes.size()) << "frame " << k << " in order";
        EXPECT_TRUE(std::vector<std::uint8_t>(p.data(), p.data() + p.length) == frames[k].bytes)
            << "frame " << k;
        EXPECT_TRUE(p.offload.is_partial()) << k;
        EXPECT_EQ(p.offload.gso.type, k % 2 == 0 ? GsoType::none : GsoType::tcpv4) << k;
    });
    EXPECT_EQ(got, frames.size());
}

TEST_F(VethPair, Tpacketv2RingCountsWhatTheKernelCouldNotQueue) {
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, ring_v2());
    ASSERT_TRUE(pa && pb);
    auto full = [&] { return pb.value()->counters().dropped(PortDrop::rx_kernel_queue_full); };
    auto drain_all = [&] {
        std::uint64_t n = drain(*pb.value(), ~std::size_t{0}, [](Packet&, std::size_t) {});
        pb.value()->refresh_counters();
        return n;
    };
    // Super-frames take a slot each, and their full copies the socket's receive memory:
    // ~18 MB overflow it, and the frames whose copy found no room are counted when read.
    const testlib::Frame big = tcp(30000);
    for (int i = 0; i < 610; ++i)
        send_more(*pa.value(), big.bytes, testlib::gso_offload(big, 1448));
    std::uint64_t received = drain_all();
    EXPECT_GT(full(), 0u);
    EXPECT_EQ(received + full(), 610u) << "every frame is either received or counted";
    // Small frames beyond the ring's 4096 slots: the kernel drops and counts them (tp_drops).
    const std::uint64_t before = full();
    const testlib::Frame small = tcp(100);
    const std::uint64_t n = RxRingV2::kDefaultFrameCount + 200;
    for (std::uint64_t i = 0; i < n; ++i) {
        send_more(*pa.value(), small.bytes, testlib::partial_offload(small));
    }
    pb.value()->refresh_counters();
    EXPECT_GT(full(), before) << "PACKET_STATISTICS counts full-ring drops";
    received = drain_all();
    EXPECT_EQ(received + (full() - before), n);
}

TEST_F(VethPair, Tpacketv2RingOfFewSlotsHoldsThatManyAndWrapsAround) {
    AfPacketOptions small_ring = ring_v2();
    small_ring.ring_v2_slots = 64;
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, small_ring);
    ASSERT_TRUE(pa && pb);
    auto full = [&] {
        pb.value()->refresh_counters();
        return pb.value()->counters().dropped(PortDrop::rx_kernel_queue_full);
    };
    // 100 frames into 64 slots: 64 kept, 36 counted by the kernel.
    for (std::uint32_t i = 0; i < 100; ++i) {
        const testlib::Frame f = numbered_tcp(100, i);
        send_more(*pa.value(), f.bytes, testlib::partial_offload(f));
    }
    std::size_t got = drain(*pb.value(), ~std::size_t{0}, [](Packet&, std::size_t) {});
    EXPECT_EQ(got, 64u);
    EXPECT_EQ(full(), 36u);
    // Then three more laps of the ring, read as they come, in order and whole.
    for (std::uint32_t lap = 0; lap < 3; ++lap) {
        std::vector<testlib::Frame> frames;
        for (std::uint32_t i = 0; i < 50; ++i) frames.push_back(numbered_tcp(100, 1000 * lap + i));
        for (const auto& f : frames) send_more(*pa.value(), f.bytes, testlib::partial_offload(f));
        got = drain(*pb.value(), frames.size(), [&](Packet& p, std::size_t k) {
            EXPECT_TRUE(std::vector<std::uint8_t>(p.data(), p.data() + p.length) == frames[k].bytes)
                << "lap " << lap << " frame " << k;
        });
        EXPECT_EQ(got, frames.size()) << "lap " << lap;
    }
    EXPECT_EQ(full(), 36u);
}

TEST_F(VethPair, Tpacketv2RingRefusesASlotCountThatIsNotWholeBlocks) {
    AfPacketOptions bad = ring_v2();
    bad.ring_v2_slots = 33;
    auto pb = AfPacketPort::open(b, bad);
    ASSERT_FALSE(pb);
    EXPECT_NE(pb.status().message().find("33 ring slots"), std::string::npos)
        << pb.status().message();
}

TEST_F(VethPair, DeletedInterfaceMarksATpacketv2RingPortGone) {
    auto pb = AfPacketPort::open(b, ring_v2());
    ASSERT_TRUE(pb);
    ASSERT_EQ(sh(fmt::format("ip link del {}", a)), 0);
    a.clear();
    wait_gone(*pb.value());
    EXPECT_TRUE(pb.value()->gone());
}

TEST_F(VethPair, VlanTagsTheKernelKeepsOutOfBandAreRestored) {
    for (AfPacketRxMode mode :
         {AfPacketRxMode::recvmmsg, AfPacketRxMode::ring_v2, AfPacketRxMode::ring_v3}) {
        const char* ring = to_string(mode);
        AfPacketOptions o;
        o.rx = mode;
        auto pa = AfPacketPort::open(a, {});
        auto pb = AfPacketPort::open(b, o);
        ASSERT_TRUE(pa && pb);
        testlib::FrameSpec spec;
        spec.vlans = {0x2000 | 42};
        spec.payload = testlib::make_payload(100);
        spec.csum = testlib::CsumFill::seed;
        const testlib::Frame f = testlib::build_frame(spec);
        pa.value()->counters() = {};
        send(*pa.value(), f.bytes, testlib::partial_offload(f));
        Packet* got = receive(*pb.value(), pool);
        ASSERT_NE(got, nullptr) << ring;
        EXPECT_EQ(std::vector<std::uint8_t>(got->data(), got->data() + got->length), f.bytes)
            << "the 802.1Q tag is back in the frame (" << ring << ")";
        EXPECT_TRUE(got->offload.is_partial());
        EXPECT_EQ(got->offload.csum_start, f.l4) << "and the checksum start moved with it";
        pool.free(got);
    }
}

TEST_F(VethPair, LegacyModeLosesTheMetadata) {
    AfPacketOptions legacy;
    legacy.vnet_hdr = false;
    auto pa = AfPacketPort::open(a, {});
    auto pb = AfPacketPort::open(b, legacy);
    ASSERT_TRUE(pa && pb);
    EXPECT_FALSE(pb.value()->caps().l4_csum);
    const testlib::Frame f = tcp(100);
    send(*pa.value(), f.bytes, testlib::partial_offload(f));
    Packet* got = receive(*pb.value(), pool);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->offload.csum, CsumState::none) << "no vnet header: nothing known";
    EXPECT_EQ(testlib::rd16(f.bytes, f.csum_field),
              (got->data()[f.csum_field] << 8) | got->data()[f.csum_field + 1])
        << "the pseudo-header seed arrives as is: the original bug's raw material";
    pool.free(got);
}

TEST_F(VethPair, DeletedInterfaceMarksThePortGone) {
    auto pb = AfPacketPort::open(b, {});
    ASSERT_TRUE(pb);
    ASSERT_EQ(sh(fmt::format("ip link del {}", a)), 0);
    a.clear();
    wait_gone(*pb.value());
    EXPECT_TRUE(pb.value()->gone());
    EXPECT_NE(pb.value()->gone_reason().find("recvmmsg"), std::string::npos);
}

TEST_F(VethPair, AnInterfaceThatIsDownIsBroughtUpNotTakenForVanished) {
    ASSERT_EQ(sh(fmt::format("ip link set {} down", b)), 0);
    auto pb = AfPacketPort::open(b, {});
    ASSERT_TRUE(pb) << pb.status().message();
    PacketBatch batch;
    pb.value()->rx_burst(pool, batch);
    EXPECT_FALSE(pb.value()->gone()) << pb.value()->gone_reason();
    EXPECT_EQ(sh(fmt::format("ip link show {} | grep -q ',UP'", b)), 0);
}

TEST(AfPacketPort, UnknownInterfaceIsAPreciseError) {
    auto p = AfPacketPort::open("sydp-nonexist", {});
    ASSERT_FALSE(p);
    EXPECT_EQ(p.status().code(), Errc::not_found);
    EXPECT_NE(p.status().message().find("sydp-nonexist"), std::string::npos);
}

TEST(TapPort, ReceivesWhatTheKernelSendsWithItsMetadata) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    const std::string name = fmt::format("sydpt{}", ::getpid() % 100000);
    auto tap = TapPort::open(name, true);
    ASSERT_TRUE(tap) << tap.status().message();
    disable_ipv6(name);
    EXPECT_TRUE(tap.value()->caps().l4_csum);
    EXPECT_TRUE(tap.value()->caps().tso6);
    EXPECT_FALSE(tap.value()->caps().uso);
    // A packet socket on the TAP interface transmits into the TAP: the kernel side talking.
    auto kernel_side = AfPacketPort::open(name, {});
    ASSERT_TRUE(kernel_side) << kernel_side.status().message();
    PacketPool pool(16, kSuperFrameBufferSize);
    const testlib::Frame f = tcp(100);
    Packet* p = pool.alloc();
    std::memcpy(p->data(), f.bytes.data(), f.bytes.size());
    p->length = static_cast<std::uint32_t>(f.bytes.size());
    p->offload = testlib::partial_offload(f);
    PacketBatch out;
    out.push(p);
    kernel_side.value()->tx_burst(out);
    Packet* got = nullptr;
    for (int i = 0; i < 200 && !got; ++i) {
        PacketBatch in;
        if (tap.value()->rx_burst(pool, in) > 0) {
            got = in.packets[0];
            for (std::uint32_t j = 1; j < in.count; ++j) pool.free(in.packets[j]);
        } else {
            std::this_thread::sleep_for(5ms);
        }
    }
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->length, f.bytes.size());
    EXPECT_TRUE(got->offload.is_partial()) << "TUNSETOFFLOAD CSUM: partial passed to us";
    pool.free(got);
    tap.value().reset();  // closing a non-persistent TAP deletes it
    EXPECT_EQ(::if_nametoindex(name.c_str()), 0u);
}

// A TAP whose interface is down (moved into another namespace, or its VM not up yet) is still
// there: frames sent to it are counted as dropped, and the port is not taken for vanished.
TEST(TapPort, ADownInterfaceDropsFramesButIsNotGone) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    const std::string name = fmt::format("sydpd{}", ::getpid() % 100000);
    auto tap = TapPort::open(name, true);
    ASSERT_TRUE(tap) << tap.status().message();
    ASSERT_EQ(sh(fmt::format("ip link set {} down", name)), 0);
    PacketPool pool(16, kSuperFrameBufferSize);
    const testlib::Frame f = tcp(100);
    Packet* p = pool.alloc();
    std::memcpy(p->data(), f.bytes.data(), f.bytes.size());
    p->length = static_cast<std::uint32_t>(f.bytes.size());
    PacketBatch out;
    out.push(p);
    tap.value()->tx_burst(out);
    EXPECT_FALSE(tap.value()->gone()) << tap.value()->gone_reason();
    EXPECT_EQ(tap.value()->counters().dropped(PortDrop::tx_link_down), 1u);
    tap.value().reset();
}

}  // namespace
}  // namespace sy::port
