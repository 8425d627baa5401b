// Tunnel ports over real UDP sockets on loopback (127.0.0.1 and 127.0.0.2 are both local):
// headers, VNI and remote checks, tunnel metadata, flood-and-learn across remotes, and the
// option checks. No privileges needed.
#include "port/tunnel/tunnel_port.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <cstring>
#include <vector>

#include "port/tunnel/remote_learning.hpp"
#include "port/tunnel/tunnel_header.hpp"
#include "testlib/packet_util.hpp"

namespace sy::port {
namespace {

// ctest runs each test as its own process, several at once: every test has its own UDP port
// (unlikely to be used by anything else on loopback).
constexpr std::uint16_t kBasePort = 47890;

TunnelOptions vxlan(std::uint16_t port, const std::string& local, std::vector<std::string> remotes,
                    std::uint32_t vni = 42) {
    TunnelOptions o;
    o.type = TunnelType::vxlan;
    o.local = local;
    o.remotes = std::move(remotes);
    o.vni = vni;
    o.dst_port = port;
    return o;
}

std::vector<std::uint8_t> frame(std::uint8_t dst_last, std::uint8_t src_last, bool bcast = false) {
    std::vector<std::uint8_t> f(60, 0);
    const std::uint8_t dst[6] = {0x02, 0, 0, 0, 0, dst_last};
    const std::uint8_t src[6] = {0x02, 0, 0, 0, 1, src_last};
    std::memcpy(f.data(), dst, 6);
    if (bcast) std::memset(f.data(), 0xff, 6);
    std::memcpy(f.data() + 6, src, 6);
    f[12] = 0x08;  // IPv4 EtherType; contents do not matter to the port
    f[20] = 0x5a;
    return f;
}

void send(TunnelPort& port, PacketPool& pool, const std::vector<std::uint8_t>& f) {
    PacketBatch b;
    Packet* p = testlib::load_packet(pool, f);
    ASSERT_NE(p, nullptr);
    b.push(p);
    port.tx_burst(b);
}

// Everything the port received within 1 s (until one poll finds nothing more).
std::vector<Packet*> receive(TunnelPort& port, PacketPool& pool, std::size_t want) {
    std::vector<Packet*> got;
    for (int i = 0; i < 100 && got.size() < want; ++i) {
        pollfd pfd{port.poll_fd(), POLLIN, 0};
        ::poll(&pfd, 1, 10);
        PacketBatch b;
        port.rx_burst(pool, b);
        for (Packet* p : b) got.push_back(p);
    }
    return got;
}

TEST(TunnelHeader, VxlanAndGeneveRoundTrip) {
    std::uint8_t h[kTunnelHeaderLen + 14] = {};
    write_tunnel_header(TunnelType::vxlan, 0xABCDEF, h);
    EXPECT_EQ(h[0], 0x08);
    auto r = parse_tunnel_header(TunnelType::vxlan, h, sizeof h);
    EXPECT_EQ(r.error, TunnelRxError::none);
    EXPECT_EQ(r.vni, 0xABCDEFu);
    EXPECT_EQ(r.length, 8u);
    write_tunnel_header(TunnelType::geneve, 0x123456, h);
    EXPECT_EQ(h[2], 0x65);
    EXPECT_EQ(h[3], 0x58);
    r = parse_tunnel_header(TunnelType::geneve, h, sizeof h);
    EXPECT_EQ(r.error, TunnelRxError::none);
    EXPECT_EQ(r.vni, 0x123456u);
}

TEST(TunnelHeader, RejectsWhatMustNotBeForwarded) {
    std::uint8_t h[64] = {};
    EXPECT_EQ(parse_tunnel_header(TunnelType::vxlan, h, sizeof h).error, TunnelRxError::bad_header)
        << "VXLAN without the I flag";
    EXPECT_EQ(parse_tunnel_header(TunnelType::vxlan, h, 10).error, TunnelRxError::short_header);
    write_tunnel_header(TunnelType::geneve, 1, h);
    h[0] = 2;     // two words of options
    h[1] = 0x40;  // critical
    EXPECT_EQ(parse_tunnel_header(TunnelType::geneve, h, sizeof h).error,
              TunnelRxError::critical_option);
    h[1] = 0;
    auto r = parse_tunnel_header(TunnelType::geneve, h, sizeof h);
    EXPECT_EQ(r.error, TunnelRxError::none);
    EXPECT_EQ(r.length, 16u) << "non-critical options are skipped";
    h[1] = 0x80;
    EXPECT_EQ(parse_tunnel_header(TunnelType::geneve, h, sizeof h).error, TunnelRxError::oam);
    h[1] = 0;
    h[0] = 0x40;  // version 1
    EXPECT_EQ(parse_tunnel_header(TunnelType::geneve, h, sizeof h).error,
              TunnelRxError::bad_header);
}

TEST(TunnelOptionsCheck, PreciseErrors) {
    EXPECT_TRUE(check_tunnel_options(vxlan(kBasePort, "", {"192.0.2.1"})).is_ok());
    EXPECT_NE(check_tunnel_options(vxlan(kBasePort, "", {})).message().find("--remote"),
              std::string::npos);
    EXPECT_NE(
        check_tunnel_options(vxlan(kBasePort, "", {"192.0.2.300"})).message().find("192.0.2.300"),
        std::string::npos);
    EXPECT_NE(check_tunnel_options(vxlan(kBasePort, "", {"192.0.2.1", "2001:db8::1"}))
                  .message()
                  .find("one IP version"),
              std::string::npos);
    EXPECT_NE(check_tunnel_options(vxlan(kBasePort, "2001:db8::1", {"192.0.2.1"}))
                  .message()
                  .find("different IP"),
              std::string::npos);
    EXPECT_NE(check_tunnel_options(vxlan(kBasePort, "", {"192.0.2.1"}, 1u << 24))
                  .message()
                  .find("24-bit"),
              std::string::npos);
}

TEST(RemoteLearningTable, LearnsLooksUpAndAges) {
    RemoteLearning t;
    const std::uint8_t a[6] = {2, 0, 0, 0, 0, 1};
    EXPECT_EQ(t.lookup(a, 0), -1);
    t.learn(a, 3, 1000);
    EXPECT_EQ(t.lookup(a, 2000), 3);
    EXPECT_EQ(t.lookup(a, 1000 + RemoteLearning::kAgeNs + 1), -1);
}

TEST(TunnelPort, CarriesFramesBetweenTwoEndsWithTunnelMetadata) {
    PacketPool pool(64, kSuperFrameBufferSize);
    auto a = TunnelPort::open("vxa", vxlan(kBasePort + 1, "127.0.0.1", {"127.0.0.2"}));
    ASSERT_TRUE(a) << a.status().message();
    auto b = TunnelPort::open("vxb", vxlan(kBasePort + 1, "127.0.0.2", {"127.0.0.1"}));
    ASSERT_TRUE(b) << b.status().message();
    EXPECT_EQ((*a)->mtu(), (*a)->underlay_mtu() - 50) << "inner MTU = underlay - 50 (IPv4)";
    const auto f = frame(9, 1);
    send(**a, pool, f);
    auto got = receive(**b, pool, 1);
    ASSERT_EQ(got.size(), 1u);
    Packet* p = got[0];
    ASSERT_EQ(p->length, f.size());
    EXPECT_EQ(std::memcmp(p->data(), f.data(), f.size()), 0);
    EXPECT_TRUE(p->tunnel.present);
    EXPECT_EQ(p->tunnel.id, 42u);
    EXPECT_EQ(p->tunnel.src[3], 1) << "tun_src is the sender";
    EXPECT_EQ(p->tunnel.dst[3], 2) << "tun_dst is our local address";
    EXPECT_EQ(p->offload.csum, CsumState::none) << "decapsulation marks nothing verified";
    release(p);
    EXPECT_EQ((*a)->counters().tx_packets, 1u);
    EXPECT_EQ((*b)->counters().rx_packets, 1u);
    EXPECT_EQ(pool.available(), 64u);
}

TEST(TunnelPort, DropsWrongVniAndUnknownRemotesWithNamedReasons) {
    PacketPool pool(64, kSuperFrameBufferSize);
    auto a = TunnelPort::open("vxa", vxlan(kBasePort + 2, "127.0.0.1", {"127.0.0.2"}, 43));
    auto b = TunnelPort::open("vxb", vxlan(kBasePort + 2, "127.0.0.2", {"127.0.0.1"}, 42));
    auto c = TunnelPort::open("vxc", vxlan(kBasePort + 2, "127.0.0.3", {"127.0.0.2"}, 42));
    ASSERT_TRUE(a && b && c);
    send(**a, pool, frame(9, 1));  // VNI 43 to a port of VNI 42
    send(**c, pool, frame(9, 1));  // from 127.0.0.3: not a remote of b
    EXPECT_TRUE(receive(**b, pool, 2).empty());
    EXPECT_EQ((*b)->counters().dropped(PortDrop::rx_tunnel_wrong_vni), 1u);
    EXPECT_EQ((*b)->counters().dropped(PortDrop::rx_tunnel_unknown_remote), 1u);
    EXPECT_EQ(pool.available(), 64u);
}

TEST(TunnelPort, FloodsToEveryRemoteUntilTheDestinationIsLearned) {
    PacketPool pool(64, kSuperFrameBufferSize);
    auto hub =
        TunnelPort::open("hub", vxlan(kBasePort + 3, "127.0.0.1", {"127.0.0.2", "127.0.0.3"}));
    auto r2 = TunnelPort::open("r2", vxlan(kBasePort + 3, "127.0.0.2", {"127.0.0.1"}));
    auto r3 = TunnelPort::open("r3", vxlan(kBasePort + 3, "127.0.0.3", {"127.0.0.1"}));
    ASSERT_TRUE(hub && r2 && r3);
    // Unknown unicast: both remotes get it.
    send(**hub, pool, frame(0x33, 1));
    auto at2 = receive(**r2, pool, 1);
    auto at3 = receive(**r3, pool, 1);
    ASSERT_EQ(at2.size(), 1u);
    ASSERT_EQ(at3.size(), 1u);
    for (Packet* p : at2) release(p);
    for (Packet* p : at3) release(p);
    // r3 speaks from MAC 02:00:00:00:01:33; the hub learns it behind 127.0.0.3.
    send(**r3, pool, frame(1, 0x33));
    auto at_hub = receive(**hub, pool, 1);
    ASSERT_EQ(at_hub.size(), 1u);
    EXPECT_EQ(at_hub[0]->tunnel.remote, 1);
    release(at_hub[0]);
    std::vector<std::uint8_t> to33 = frame(0, 1);
    const std::uint8_t mac33[6] = {0x02, 0, 0, 0, 1, 0x33};
    std::memcpy(to33.data(), mac33, 6);
    send(**hub, pool, to33);
    at3 = receive(**r3, pool, 1);
    EXPECT_EQ(at3.size(), 1u) << "known unicast reaches its remote";
    for (Packet* p : at3) release(p);
    EXPECT_TRUE(receive(**r2, pool, 1).empty()) << "and no other";
    // Broadcast still goes everywhere.
    send(**hub, pool, frame(0, 1, true));
    at2 = receive(**r2, pool, 1);
    at3 = receive(**r3, pool, 1);
    EXPECT_EQ(at2.size() + at3.size(), 2u);
    for (Packet* p : at2) release(p);
    for (Packet* p : at3) release(p);
    EXPECT_EQ(pool.available(), 64u);
}

TEST(TunnelPort, SecondSocketOnTheSameAddressAndPortIsAPreciseError) {
    auto a = TunnelPort::open("vxa", vxlan(kBasePort + 4, "127.0.0.1", {"127.0.0.2"}));
    ASSERT_TRUE(a);
    auto b = TunnelPort::open("vxb", vxlan(kBasePort + 4, "127.0.0.1", {"127.0.0.5"}));
    ASSERT_FALSE(b);
    EXPECT_NE(b.status().message().find("already in use"), std::string::npos)
        << b.status().message();
}

}  // namespace
}  // namespace sy::port
