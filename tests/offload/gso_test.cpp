#include "offload/gso.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "net/l4_checksum.hpp"
#include "net/parse.hpp"
#include "offload/csum_complete.hpp"
#include "testlib/packet_util.hpp"

namespace sy::offload {
namespace {

using namespace testlib;

struct GsoFixture : ::testing::Test {
    PacketPool pool{128, kSuperFrameBufferSize};
    std::vector<Packet*> out = std::vector<Packet*>(100, nullptr);

    GsoResult segment(const Frame& f, std::uint16_t mss, GsoOptions options = {}) {
        Packet* super = load_packet(pool, f, gso_offload(f, mss));
        const GsoResult r = gso_segment(*super, net::parse(super->bytes()), pool, out, options);
        EXPECT_EQ(super->length, f.bytes.size());
        pool.free(super);
        return r;
    }
    void free_out(std::uint32_t n) {
        for (std::uint32_t i = 0; i < n; ++i) pool.free(out[i]);
    }

    // Checks every rule of case 34 on segments out[0..r.count) of `f`.
    void expect_valid_segments(const Frame& f, std::uint16_t mss, GsoResult r,
                               bool partial = false) {
        ASSERT_EQ(r.status, GsoStatus::ok);
        const std::uint32_t payload = f.l3_end - f.payload;
        ASSERT_EQ(r.count, gso_segment_count(payload, mss));
        std::vector<std::uint8_t> joined;
        for (std::uint32_t i = 0; i < r.count; ++i) {
            const Frame s = frame_of(*out[i], f);
            const std::uint32_t chunk = s.l3_end - s.payload;
            SCOPED_TRACE(::testing::Message() << "segment " << i);
            EXPECT_EQ(s.l3_end, s.bytes.size());
            EXPECT_EQ(chunk, i + 1 < r.count ? mss : payload - i * mss);
            joined.insert(joined.end(), s.bytes.begin() + s.payload, s.bytes.end());
            EXPECT_TRUE(
                std::equal(s.bytes.begin(), s.bytes.begin() + f.l3, f.bytes.begin()));  // L2, VLANs
            if (f.ip_version == 4) {
                EXPECT_EQ(rd16(s.bytes, s.l3 + 4),
                          static_cast<std::uint16_t>(rd16(f.bytes, f.l3 + 4) + i));
                EXPECT_TRUE(ref_ipv4_header_ok(s));
            }
            if (f.proto == kTcp) {
                EXPECT_EQ(rd32(s.bytes, s.l4 + 4), rd32(f.bytes, f.l4 + 4) + i * mss);
                const std::uint8_t flags = s.bytes[s.l4 + 13], orig = f.bytes[f.l4 + 13];
                const bool last = i + 1 == r.count, first = i == 0;
                EXPECT_EQ(flags & (kFin | kPsh), last ? orig & (kFin | kPsh) : 0);
                EXPECT_EQ(flags & kCwr, first ? orig & kCwr : 0);
                EXPECT_EQ(flags & (kAck | kEce | kSyn | kRst), orig & (kAck | kEce | kSyn | kRst));
                EXPECT_TRUE(std::equal(s.bytes.begin() + s.l4 + 20, s.bytes.begin() + s.payload,
                                       f.bytes.begin() + f.l4 + 20));  // options copied
            } else {
                EXPECT_EQ(rd16(s.bytes, s.l4 + 4), s.l3_end - s.l4);
            }
            if (partial) {
                EXPECT_EQ(out[i]->offload.csum, CsumState::partial);
                EXPECT_EQ(out[i]->offload.csum_start, s.l4);
                EXPECT_EQ(stored_l4_checksum(s), ref_seed(s));
            } else {
                EXPECT_EQ(out[i]->offload.csum, CsumState::none);
                EXPECT_TRUE(l4_checksum_ok(s));
            }
            EXPECT_FALSE(out[i]->offload.gso.active());
        }
        EXPECT_EQ(joined, std::vector<std::uint8_t>(f.bytes.begin() + f.payload,
                                                    f.bytes.begin() + f.l3_end));
    }
};

// F34, like OVS's dpif-netdev test: 2000 bytes at MSS 500 -> 4 segments, IDs base..base+3.
TEST_F(GsoFixture, F34_Tcpv4FourSegments) {
    const Frame f = build_frame({.ip_id = 0,
                                 .tcp_flags = kAck | kPsh | kFin | kCwr | kEce,
                                 .payload = make_payload(2000),
                                 .csum = CsumFill::seed});
    const GsoResult r = segment(f, 500);
    expect_valid_segments(f, 500, r);
    free_out(r.count);
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST_F(GsoFixture, F34_Tcpv6WithVlanAndOptionsUnevenTail) {
    const Frame f =
        build_frame({.ip_version = 6,
                     .vlans = {10, 20},
                     .seq = 0xFFFFF000u,
                     .tcp_flags = kAck | kPsh,
                     .tcp_options = {2, 4, 5, 0xB4, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                     .payload = make_payload(5001),
                     .csum = CsumFill::seed});
    const GsoResult r = segment(f, 1388);  // seq wraps around 2^32
    expect_valid_segments(f, 1388, r);
    free_out(r.count);
}

// An IPv6 super-frame with a routing header (segments left): every segment's checksum uses
// the final destination, as the receiver computes it (RFC 8200 section 8.1).
TEST_F(GsoFixture, Ipv6RoutingHeaderFinalDestination) {
    for (bool partial : {false, true}) {
        Frame f = build_frame({.ip_version = 6, .payload = make_payload(3000)});
        std::vector<std::uint8_t> rh(24, 0);  // type 0, one address, 1 segment left
        rh[0] = kTcp;
        rh[1] = 2;
        rh[3] = 1;
        rh[8] = 0xfd;
        rh[23] = 0x77;
        f.bytes.insert(f.bytes.begin() + f.l3 + 40, rh.begin(), rh.end());
        f.bytes[f.l3 + 6] = 43;
        wr16(f.bytes, f.l3 + 4, static_cast<std::uint16_t>(rd16(f.bytes, f.l3 + 4) + 24));
        f.l4 += 24, f.payload += 24, f.l3_end += 24, f.csum_field += 24;
        const GsoResult r = segment(f, 1000, {.leave_partial = partial});
        ASSERT_EQ(r.status, GsoStatus::ok);
        ASSERT_EQ(r.count, 3u);
        for (std::uint32_t i = 0; i < r.count; ++i) {
            Packet& s = *out[i];
            const net::ParsedHeaders sp = net::parse(s.bytes());
            if (partial) complete_partial(s, sp);
            EXPECT_EQ(net::check_l4_checksum(s.bytes(), sp.outer).verdict, net::L4CsumVerdict::good)
                << "segment " << i;
        }
        free_out(r.count);
    }
}

TEST_F(GsoFixture, IpIdWrapsAndExactMultiple) {
    const Frame f =
        build_frame({.ip_id = 0xFFFE, .payload = make_payload(3000), .csum = CsumFill::seed});
    const GsoResult r = segment(f, 1000);
    expect_valid_segments(f, 1000, r);
    EXPECT_EQ(r.count, 3u);
    free_out(r.count);
}

TEST_F(GsoFixture, UsoDatagramsV4AndV6) {
    for (int v : {4, 6}) {
        const Frame f = build_frame({.ip_version = v,
                                     .l4 = kUdp,
                                     .vlans = {3},
                                     .payload = make_payload(4321, v),
                                     .csum = CsumFill::seed});
        const GsoResult r = segment(f, 1200);
        expect_valid_segments(f, 1200, r);
        free_out(r.count);
    }
}

TEST_F(GsoFixture, LeavePartialWritesPerSegmentSeeds) {
    for (int v : {4, 6}) {
        const Frame f =
            build_frame({.ip_version = v, .payload = make_payload(3500), .csum = CsumFill::seed});
        const GsoResult r = segment(f, 1448, {.segment_size = 0, .leave_partial = true});
        expect_valid_segments(f, 1448, r, true);
        free_out(r.count);
    }
}

TEST_F(GsoFixture, SegmentSizeOverride) {
    const Frame f = build_frame({.payload = make_payload(3000), .csum = CsumFill::seed});
    const GsoResult r = segment(f, 1448, {.segment_size = 700, .leave_partial = false});
    expect_valid_segments(f, 700, r);
    EXPECT_EQ(r.count, 5u);
    free_out(r.count);
}

// F38: 35 KB at 1000 -> 35 segments, more than one batch of 32.
TEST_F(GsoFixture, F38_MoreSegmentsThanABatch) {
    const Frame f = build_frame({.payload = make_payload(35000), .csum = CsumFill::seed});
    const GsoResult r = segment(f, 1000);
    EXPECT_EQ(r.count, 35u);
    expect_valid_segments(f, 1000, r);
    free_out(r.count);
}

TEST_F(GsoFixture, FailuresAreNamedAndLeaveNothingAllocated) {
    const Frame f = build_frame({.payload = make_payload(35000), .csum = CsumFill::seed});
    out.resize(34);
    EXPECT_EQ(segment(f, 1000).status, GsoStatus::too_many_segments);
    EXPECT_EQ(pool.in_use(), 0u);

    PacketPool small(10, kSuperFrameBufferSize);
    Packet* super = load_packet(small, f, gso_offload(f, 1000));
    out.resize(100);
    EXPECT_EQ(gso_segment(*super, net::parse(super->bytes()), small, out).status,
              GsoStatus::pool_exhausted);
    EXPECT_EQ(small.in_use(), 1u);  // only the super-frame

    PacketPool tiny(4, 1024);
    EXPECT_EQ(gso_segment(*super, net::parse(super->bytes()), tiny, out).status,
              GsoStatus::segment_too_big);

    super->offload.gso.type = GsoType::udp;
    EXPECT_EQ(gso_segment(*super, net::parse(super->bytes()), small, out).status,
              GsoStatus::unsupported_type);
    super->offload.gso.type = GsoType::tcpv6;
    EXPECT_EQ(gso_segment(*super, net::parse(super->bytes()), small, out).status,
              GsoStatus::bad_headers);
    super->offload.gso = {};
    EXPECT_EQ(gso_segment(*super, net::parse(super->bytes()), small, out).status,
              GsoStatus::not_gso);
}

}  // namespace
}  // namespace sy::offload
