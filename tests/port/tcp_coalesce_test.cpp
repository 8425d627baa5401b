// Software GRO of decapsulated TCP segments (port/tunnel/tcp_coalesce.hpp): what merges, what
// never does, and that a rebuilt super-frame's lengths and checksums are right, judged by the
// portable (non-SIMD) checksum over the merged bytes rather than the coalescer's own sums.
#include "port/tunnel/tcp_coalesce.hpp"

#include <gtest/gtest.h>
#include <poll.h>

#include <cstring>
#include <vector>

#include "base/bytes.hpp"
#include "net/checksum.hpp"
#include "packet/packet_pool.hpp"
#include "port/tunnel/tunnel_port.hpp"
#include "testlib/packet_util.hpp"

namespace sy::port {
namespace {

constexpr std::uint8_t kAck = 0x10, kPsh = 0x08, kSyn = 0x02, kFin = 0x01;

struct Seg {
    std::uint32_t seq = 1000;
    std::uint16_t payload = 100;
    std::uint8_t flags = kAck;
    std::uint16_t ip_id = 7;
    bool df = false;
    std::uint16_t sport = 40000;
    std::uint32_t tsval = 0x11223344;  // timestamp option value
};

// Ethernet + IPv4 (no options) + TCP with a 12-byte timestamp option + payload, checksums right.
// Payload byte i of the stream is (seq + i) & 0xff, so a merged payload can be checked.
std::vector<std::uint8_t> tcp_frame(const Seg& s) {
    const std::uint32_t th_len = 32;
    std::vector<std::uint8_t> f(14 + 20 + th_len + s.payload, 0);
    const std::uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
    std::memcpy(f.data(), macs, 12);
    store_be16(&f[12], 0x0800);
    std::uint8_t* ip = &f[14];
    ip[0] = 0x45;
    store_be16(ip + 2, static_cast<std::uint16_t>(20 + th_len + s.payload));
    store_be16(ip + 4, s.ip_id);
    store_be16(ip + 6, s.df ? 0x4000 : 0);
    ip[8] = 64;
    ip[9] = 6;
    const std::uint8_t addrs[8] = {10, 246, 0, 1, 10, 246, 0, 2};
    std::memcpy(ip + 12, addrs, 8);
    store_be16(ip + 10, net::ipv4_header_checksum(ip, 20));
    std::uint8_t* th = ip + 20;
    store_be16(th, s.sport);
    store_be16(th + 2, 5201);
    store_be32(th + 4, s.seq);
    store_be32(th + 8, 555);
    th[12] = (th_len / 4) << 4;
    th[13] = s.flags;
    store_be16(th + 14, 502);
    th[20] = 1;
    th[21] = 1;
    th[22] = 8;
    th[23] = 10;
    store_be32(th + 24, s.tsval);
    store_be32(th + 28, 0x55667788);
    for (std::uint32_t i = 0; i < s.payload; ++i)
        th[th_len + i] = static_cast<std::uint8_t>(s.seq + i);
    const std::uint32_t l4 = th_len + s.payload;
    store_be16(th + 16, net::finish(std::uint64_t{net::ipv4_pseudo_sum(ip, 6, l4)} +
                                    net::raw_sum_portable({th, l4})));
    return f;
}

class Coalesce : public ::testing::Test {
  protected:
    PacketPool pool{8, kSuperFrameBufferSize};
    TcpCoalescer c;
    std::vector<std::uint8_t> first_bytes;

    Packet* packet_of(const std::vector<std::uint8_t>& f) {
        Packet* p = pool.alloc();
        std::memcpy(p->data(), f.data(), f.size());
        p->length = static_cast<std::uint32_t>(f.size());
        return p;
    }
    // Starts a run with segment `s`; remembers its bytes.
    Packet* start(const Seg& s) {
        first_bytes = tcp_frame(s);
        const TcpSegment d = describe_tcp4_segment(first_bytes.data(), first_bytes.size());
        EXPECT_TRUE(d.eligible);
        Packet* p = packet_of(first_bytes);
        c.start(p, d);
        return p;
    }
    bool append(const Seg& s) {
        const auto f = tcp_frame(s);
        return c.try_append(f.data(), describe_tcp4_segment(f.data(), f.size()));
    }
};

// The merged frame is one valid IPv4/TCP segment carrying every payload in order.
void expect_valid_super_frame(const Packet& p, std::uint32_t seq, std::uint32_t payload) {
    const std::uint8_t* ip = p.data() + 14;
    ASSERT_EQ(p.length, 14u + 20 + 32 + payload);
    EXPECT_EQ(load_be16(ip + 2), 20 + 32 + payload);
    EXPECT_EQ(net::fold(net::raw_sum_portable({ip, 20})), 0xFFFF) << "IPv4 header checksum";
    const std::uint8_t* th = ip + 20;
    const std::uint32_t l4 = 32 + payload;
    EXPECT_EQ(
        net::fold(std::uint64_t{net::ipv4_pseudo_sum(ip, 6, l4)} + net::raw_sum_portable({th, l4})),
        0xFFFF)
        << "TCP checksum";
    EXPECT_EQ(load_be32(th + 4), seq);
    for (std::uint32_t i = 0; i < payload; ++i)
        ASSERT_EQ(th[32 + i], static_cast<std::uint8_t>(seq + i)) << "payload byte " << i;
}

TEST_F(Coalesce, InOrderSegmentsBecomeOneVerifiedSuperFrame) {
    start({.seq = 1000, .payload = 100, .ip_id = 7});
    EXPECT_TRUE(append({.seq = 1100, .payload = 100, .ip_id = 8}));
    EXPECT_TRUE(append({.seq = 1200, .payload = 60, .flags = kAck | kPsh, .ip_id = 9}));
    EXPECT_FALSE(append({.seq = 1260, .payload = 100, .ip_id = 10}))
        << "a short/PSH segment ends the run";
    Packet* p = c.finish();
    expect_valid_super_frame(*p, 1000, 260);
    EXPECT_EQ(p->data()[14 + 20 + 13], kAck | kPsh) << "PSH of the last segment";
    EXPECT_EQ(p->offload.csum, CsumState::verified);
    EXPECT_EQ(p->offload.gso.type, GsoType::tcpv4);
    EXPECT_EQ(p->offload.gso.size, 100);
    EXPECT_EQ(p->offload.gso.hdr_len, 14 + 20 + 32);
    EXPECT_EQ(c.stats().super_frames, 1u);
    EXPECT_EQ(c.stats().merged_segments, 3u);
    pool.free(p);
}

TEST_F(Coalesce, OddPayloadSizesKeepTheChecksumRight) {
    // Payloads starting at odd offsets of the merged payload add their sums byte-swapped.
    start({.seq = 1, .payload = 101, .ip_id = 1});
    EXPECT_TRUE(append({.seq = 102, .payload = 101, .ip_id = 2}));
    EXPECT_TRUE(append({.seq = 203, .payload = 101, .ip_id = 3}));
    EXPECT_TRUE(append({.seq = 304, .payload = 33, .ip_id = 4}));
    Packet* p = c.finish();
    expect_valid_super_frame(*p, 1, 336);
    pool.free(p);
}

TEST_F(Coalesce, LoneSegmentPassesUnchanged) {
    Packet* p = start({});
    EXPECT_FALSE(append({.seq = 5000}));  // not the next sequence number
    EXPECT_EQ(c.finish(), p);
    ASSERT_EQ(p->length, first_bytes.size());
    EXPECT_EQ(std::memcmp(p->data(), first_bytes.data(), first_bytes.size()), 0);
    EXPECT_EQ(p->offload.csum, CsumState::none) << "a frame we did not rebuild keeps its state";
    EXPECT_FALSE(p->offload.gso.active());
    EXPECT_EQ(c.stats().super_frames, 0u);
    pool.free(p);
}

TEST_F(Coalesce, OutOfOrderAndDuplicateSegmentsAreNotMerged) {
    start({.seq = 1000, .ip_id = 7});
    EXPECT_FALSE(append({.seq = 1200, .ip_id = 8})) << "a gap";
    EXPECT_FALSE(append({.seq = 1000, .ip_id = 8})) << "a retransmission";
    EXPECT_FALSE(append({.seq = 900, .ip_id = 8})) << "older";
    EXPECT_TRUE(append({.seq = 1100, .ip_id = 8}));
    pool.free(c.finish());
}

TEST_F(Coalesce, BadChecksumsAreNeverMerged) {
    start({.seq = 1000, .ip_id = 7});
    auto bad_tcp = tcp_frame({.seq = 1100, .ip_id = 8});
    bad_tcp.back() ^= 0x40;  // payload corrupted after the checksum was written
    const TcpSegment d = describe_tcp4_segment(bad_tcp.data(), bad_tcp.size());
    EXPECT_FALSE(d.eligible);
    EXPECT_TRUE(d.csum_bad);
    EXPECT_FALSE(c.try_append(bad_tcp.data(), d));

    auto bad_ip = tcp_frame({.seq = 1100, .ip_id = 8});
    bad_ip[14 + 8] = 63;  // TTL changed, IPv4 header checksum not updated
    const TcpSegment e = describe_tcp4_segment(bad_ip.data(), bad_ip.size());
    EXPECT_FALSE(e.eligible);
    EXPECT_TRUE(e.csum_bad);
    Packet* p = c.finish();
    EXPECT_EQ(p->offload.csum, CsumState::none);
    pool.free(p);
}

TEST_F(Coalesce, OtherFlowsFlagsAndOptionsAreNotMerged) {
    start({.seq = 1000, .ip_id = 7});
    EXPECT_FALSE(append({.seq = 1100, .ip_id = 8, .sport = 40001})) << "another flow";
    EXPECT_FALSE(append({.seq = 1100, .flags = kAck | kFin, .ip_id = 8})) << "FIN";
    EXPECT_FALSE(append({.seq = 1100, .flags = kSyn, .ip_id = 8})) << "SYN";
    EXPECT_FALSE(append({.seq = 1100, .ip_id = 8, .tsval = 0x11223345})) << "other option bytes";
    EXPECT_FALSE(append({.seq = 1100, .ip_id = 9})) << "IP ID not the next, no DF";
    EXPECT_FALSE(append({.seq = 1100, .payload = 101, .ip_id = 8})) << "larger than gso_size";
    EXPECT_FALSE(append({.seq = 1100, .ip_id = 8, .df = true})) << "DF differs";
    EXPECT_TRUE(append({.seq = 1100, .ip_id = 8}));
    pool.free(c.finish());
}

TEST_F(Coalesce, FixedIpIdsMergeOnlyWithDf) {
    start({.seq = 1000, .ip_id = 0, .df = true});
    EXPECT_TRUE(append({.seq = 1100, .ip_id = 0, .df = true}));
    Packet* p = c.finish();
    expect_valid_super_frame(*p, 1000, 200);
    pool.free(p);
}

TEST_F(Coalesce, ARunStartedWithPshOrNotAPlainAckStaysAlone) {
    start({.seq = 1000, .flags = kAck | kPsh});
    EXPECT_FALSE(append({.seq = 1100, .ip_id = 8}));
    pool.free(c.finish());
}

TEST_F(Coalesce, NotTcpOverIpv4IsNotEligible) {
    auto f = tcp_frame({});
    f[14] = 0x46;  // IP options
    EXPECT_FALSE(describe_tcp4_segment(f.data(), f.size()).eligible);
    f = tcp_frame({});
    store_be16(&f[14 + 6], 0x2000);  // MF: a fragment
    EXPECT_FALSE(describe_tcp4_segment(f.data(), f.size()).eligible);
    f = tcp_frame({.payload = 0});  // a pure ACK: nothing to merge
    EXPECT_FALSE(describe_tcp4_segment(f.data(), f.size()).eligible);
    f = tcp_frame({});
    f.push_back(0);  // trailing bytes beyond the IP total length
    EXPECT_FALSE(describe_tcp4_segment(f.data(), f.size()).eligible);
    EXPECT_FALSE(describe_tcp4_segment(f.data(), 40).eligible);
}

TEST_F(Coalesce, StopsBefore64KiB) {
    std::uint32_t seq = 0;
    start({.seq = seq, .payload = 1400, .ip_id = 0});
    std::uint16_t n = 1;
    while (append({.seq = seq + 1400u * n, .payload = 1400, .ip_id = n})) ++n;
    EXPECT_EQ(n, (65535 - 20 - 32) / 1400) << "as many 1400-byte payloads as fit";
    Packet* p = c.finish();
    expect_valid_super_frame(*p, 0, 1400u * n);
    pool.free(p);
}

// Through two real tunnel ports on loopback: A sends a burst of segments (with --csum, one
// UDP_SEGMENT send), B's socket (UDP_GRO) receives them as one buffer of many datagrams, which
// the port splits, decapsulates and merges back. Own UDP port (ctest runs tests in parallel).
constexpr std::uint16_t kLoopbackPort = 47990;

TunnelOptions loopback(std::uint16_t port, const std::string& local, const std::string& remote) {
    TunnelOptions o;
    o.type = TunnelType::vxlan;
    o.local = local;
    o.remotes = {remote};
    o.vni = 42;
    o.dst_port = port;
    o.csum = true;
    return o;
}

void send_frames(TunnelPort& port, PacketPool& pool,
                 const std::vector<std::vector<std::uint8_t>>& frames) {
    PacketBatch b;
    for (const auto& f : frames) {
        Packet* p = testlib::load_packet(pool, f);
        ASSERT_NE(p, nullptr);
        b.push(p);
    }
    port.tx_burst(b);
}

// Every frame B hands on within about a second, burst by burst.
std::vector<Packet*> receive_all(TunnelPort& port, PacketPool& pool, std::size_t want_segments) {
    std::vector<Packet*> got;
    std::size_t segments = 0;
    for (int i = 0; i < 100 && segments < want_segments; ++i) {
        pollfd pfd{port.poll_fd(), POLLIN, 0};
        ::poll(&pfd, 1, 10);
        PacketBatch b;
        port.rx_burst(pool, b);
        for (Packet* p : b) {
            got.push_back(p);
            const std::uint32_t tcp_payload = p->length - 14 - 20 - 32;
            segments += p->offload.gso.active()
                            ? (tcp_payload + p->offload.gso.size - 1) / p->offload.gso.size
                            : 1;
        }
    }
    return got;
}

TEST(TunnelPortGro, ABurstOfSegmentsArrivesAsOneVerifiedSuperFrame) {
    auto a = TunnelPort::open("vxa", loopback(kLoopbackPort, "127.0.0.1", "127.0.0.2"));
    auto b = TunnelPort::open("vxb", loopback(kLoopbackPort, "127.0.0.2", "127.0.0.1"));
    ASSERT_TRUE(a && b);
    PacketPool pool(128, kSuperFrameBufferSize);
    std::vector<std::vector<std::uint8_t>> frames;
    for (std::uint16_t i = 0; i < 30; ++i)
        frames.push_back(tcp_frame({.seq = 1000u + 1000u * i, .payload = 1000, .ip_id = i}));
    send_frames(**a, pool, frames);
    const auto got = receive_all(**b, pool, 30);
    ASSERT_FALSE(got.empty());
    EXPECT_LT(got.size(), 30u) << "segments were merged";
    std::uint32_t seq = 1000;
    for (Packet* p : got) {
        const std::uint32_t payload = p->length - 14 - 20 - 32;
        expect_valid_super_frame(*p, seq, payload);
        EXPECT_TRUE(p->tunnel.present);
        EXPECT_EQ(p->tunnel.id, 42u);
        if (p->offload.gso.active()) {
            EXPECT_EQ(p->offload.csum, CsumState::verified);
            EXPECT_EQ(p->offload.gso.size, 1000);
        } else {
            EXPECT_EQ(p->offload.csum, CsumState::none);
        }
        seq += payload;
        pool.free(p);
    }
    EXPECT_EQ(seq, 1000u + 30 * 1000) << "every payload byte arrived, in order";
    std::vector<std::pair<std::string, std::uint64_t>> stats;
    (*b)->driver_stats(stats);
    ASSERT_EQ(stats.size(), 3u);
    EXPECT_GT(stats[0].second, 0u) << stats[0].first;
}

TEST(TunnelPortGro, MoreFramesThanABatchHoldsAreKeptForTheNextBurst) {
    auto a = TunnelPort::open("vxa", loopback(kLoopbackPort + 1, "127.0.0.1", "127.0.0.2"));
    auto b = TunnelPort::open("vxb", loopback(kLoopbackPort + 1, "127.0.0.2", "127.0.0.1"));
    ASSERT_TRUE(a && b);
    PacketPool pool(192, kSuperFrameBufferSize);
    // Two bursts of 32 segments of 32 different flows: nothing merges, 64 frames come out of
    // two received buffers, more than one batch holds.
    for (int burst = 0; burst < 2; ++burst) {
        std::vector<std::vector<std::uint8_t>> frames;
        for (std::uint16_t i = 0; i < 32; ++i)
            frames.push_back(tcp_frame({.seq = 1000u * static_cast<std::uint32_t>(burst),
                                        .payload = 1000,
                                        .sport = static_cast<std::uint16_t>(40000 + i)}));
        send_frames(**a, pool, frames);
    }
    const auto got = receive_all(**b, pool, 64);
    ASSERT_EQ(got.size(), 64u);
    for (std::size_t k = 0; k < got.size(); ++k) {
        const std::uint8_t* th = got[k]->data() + 14 + 20;
        EXPECT_EQ(load_be16(th), 40000 + k % 32) << "frame " << k << " in order";
        EXPECT_EQ(load_be32(th + 4), 1000u * (k / 32));
        EXPECT_EQ(got[k]->offload.csum, CsumState::none) << "a lone segment is not marked";
        pool.free(got[k]);
    }
    EXPECT_EQ((*b)->counters().dropped(PortDrop::rx_no_buffer), 0u);
}

}  // namespace
}  // namespace sy::port
