#include "offload/tx_prepare.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "net/parse.hpp"
#include "offload/gso.hpp"
#include "offload/rewrite.hpp"
#include "packet/vnet_hdr.hpp"
#include "testlib/packet_util.hpp"

namespace sy::offload {
namespace {

using namespace testlib;

const PortOffloadCaps kRaw{};  // AF_PACKET without vnet header, AF_XDP: no offloads
const PortOffloadCaps kVnet{.l4_csum = true,
                            .tso4 = true,
                            .tso6 = true,
                            .uso = false,
                            .mtu = 1500,
                            .accepts_verified_mark = true};
const PortOffloadCaps kCsumOnly{.l4_csum = true, .mtu = 1500};

struct TxFixture : ::testing::Test {
    PacketPool pool{128, kSuperFrameBufferSize};
    std::vector<Packet*> out = std::vector<Packet*>(64, nullptr);

    // Runs tx_prepare; returns the result and leaves the outputs in `out`.
    TxResult run(TxPreparer& tx, Packet* p) { return tx.prepare(*p, out); }
    Frame sent(std::uint32_t i, const Frame& layout) const { return frame_of(*out[i], layout); }
};

// A1: NEEDS_CSUM TCP SYN to a port without L4 offload: finished in software, unmarked.
TEST_F(TxFixture, A1_PartialToRawPortIsCompleted) {
    for (int v : {4, 6}) {
        const Frame f = build_frame({.ip_version = v, .tcp_flags = kSyn, .csum = CsumFill::seed});
        TxPreparer tx(kRaw, pool);
        Packet* p = load_packet(pool, f, partial_offload(f));
        const TxResult r = run(tx, p);
        ASSERT_EQ(r.count, 1u);
        EXPECT_TRUE(r.input_forwarded);
        EXPECT_TRUE(l4_checksum_ok(sent(0, f)));
        EXPECT_EQ(p->offload.csum, CsumState::none);
        EXPECT_EQ(encode_vnet_hdr(p->offload).flags, 0);
        EXPECT_EQ(tx.counters().csum_sw_l4, 1u);
        pool.free(p);
    }
}

// A2: the same packet to a vnet-header port: no software checksum; NEEDS_CSUM at the L4
// offset of the OUTGOING frame (here after a VLAN push) and the field holds the seed.
TEST_F(TxFixture, A2_PartialToVnetPortIsPassedAtTheOutgoingOffset) {
    const Frame f = build_frame({.tcp_flags = kSyn | kAck, .csum = CsumFill::seed});
    TxPreparer tx(kVnet, pool);
    Packet* p = load_packet(pool, f, partial_offload(f));
    ASSERT_TRUE(p->push_front(4));  // VLAN push, as l2 does it
    std::memmove(p->data(), p->data() + 4, 12);
    const std::uint8_t tag[4] = {0x81, 0x00, 0x00, 0x64};
    std::memcpy(p->data() + 12, tag, 4);
    const TxResult r = run(tx, p);
    ASSERT_EQ(r.count, 1u);
    const VirtioNetHdr h = encode_vnet_hdr(p->offload);
    EXPECT_EQ(h.flags, VirtioNetHdr::kFlagNeedsCsum);
    EXPECT_EQ(h.csum_start, f.l4 + 4);
    EXPECT_EQ(h.csum_offset, 16);
    Frame tagged = build_frame({.vlans = {100}, .tcp_flags = kSyn | kAck, .csum = CsumFill::seed});
    EXPECT_EQ(sent(0, tagged).bytes, tagged.bytes);
    EXPECT_EQ(tx.counters().csum_passed, 1u);
    EXPECT_EQ(tx.counters().csum_sw_l4, 0u);
    pool.free(p);
}

// A3: a RAW port that learned "partial" from PACKET_AUXDATA (TP_STATUS_CSUMNOTREADY) gives
// the same metadata; the seed fingerprint must never leave on a port without offload.
TEST_F(TxFixture, A3_SeedNeverLeavesUnfinished) {
    const Frame f = build_frame({.l4 = kUdp, .payload = make_payload(99), .csum = CsumFill::seed});
    TxPreparer tx(kRaw, pool);
    Packet* p = load_packet(pool, f, partial_offload(f));
    ASSERT_EQ(run(tx, p).count, 1u);
    EXPECT_NE(stored_l4_checksum(sent(0, f)), ref_seed(f));
    EXPECT_TRUE(l4_checksum_ok(sent(0, f)));
    pool.free(p);
}

// A5: partial at the inner TCP of a VXLAN frame: finished in software even on an offload
// port (the port would finish the outer header); outer UDP 0 stays.
TEST_F(TxFixture, A5_InnerPartialIsCompletedEvenOnAnOffloadPort) {
    const Frame inner = build_frame({.payload = make_payload(500), .csum = CsumFill::seed});
    std::uint32_t shift = 0;
    const Frame outer = build_vxlan({.csum = CsumFill::zero}, inner, shift);
    OffloadInfo o = partial_offload(inner);
    o.csum_start = static_cast<std::uint16_t>(o.csum_start + shift);
    TxPreparer tx(kVnet, pool);
    Packet* p = load_packet(pool, outer, o);
    ASSERT_EQ(run(tx, p).count, 1u);
    EXPECT_EQ(p->offload.csum, CsumState::none);
    Frame inner_out = inner;
    inner_out.bytes.assign(p->data() + shift, p->data() + p->length);
    EXPECT_TRUE(l4_checksum_ok(inner_out));
    EXPECT_EQ(stored_l4_checksum(sent(0, outer)), 0u);
    EXPECT_EQ(tx.counters().csum_sw_l4, 1u);
    pool.free(p);
}

// A6: malformed metadata is dropped by name, bytes untouched.
TEST_F(TxFixture, A6_MalformedMetadataIsDroppedByName) {
    const Frame f = build_frame({.payload = make_payload(64), .csum = CsumFill::seed});
    struct Case {
        OffloadInfo o;
        TxDropReason reason;
    };
    OffloadInfo beyond = partial_offload(f), field = partial_offload(f),
                mismatch = partial_offload(f);
    beyond.csum_start = 5000;
    field.csum_start = static_cast<std::uint16_t>(f.bytes.size() - 4);
    mismatch.csum_offset = 6;
    OffloadInfo gso_v6 = gso_offload(f, 500);
    gso_v6.gso.type = GsoType::tcpv6;
    OffloadInfo gso_none = gso_offload(f, 500);
    gso_none.csum = CsumState::none;
    for (const Case& c : {Case{beyond, TxDropReason::bad_csum_metadata},
                          Case{field, TxDropReason::bad_csum_metadata},
                          Case{mismatch, TxDropReason::bad_csum_metadata},
                          Case{gso_v6, TxDropReason::bad_gso_metadata},
                          Case{gso_none, TxDropReason::bad_gso_metadata}}) {
        for (const PortOffloadCaps& caps : {kRaw, kVnet}) {
            TxPreparer tx(caps, pool);
            Packet* p = load_packet(pool, f, c.o);
            const TxResult r = run(tx, p);
            EXPECT_EQ(r.count, 0u);
            EXPECT_EQ(r.drop, c.reason) << to_string(r.drop);
            EXPECT_EQ(tx.counters().dropped(c.reason), 1u);
            EXPECT_EQ(std::vector<std::uint8_t>(p->data(), p->data() + p->length), f.bytes);
            pool.free(p);
        }
    }
}

// A8: UFO is never segmented (ports must not advertise it); USO to a port without USO is
// segmented in software.
TEST_F(TxFixture, A8_UfoDroppedUsoSegmented) {
    const Frame f =
        build_frame({.l4 = kUdp, .payload = make_payload(3000), .csum = CsumFill::seed});
    TxPreparer tx(kVnet, pool);
    OffloadInfo ufo = gso_offload(f, 1400);
    ufo.gso.type = GsoType::udp;
    Packet* p = load_packet(pool, f, ufo);
    EXPECT_EQ(run(tx, p).drop, TxDropReason::unsupported_gso);
    p->offload = gso_offload(f, 1400);
    const TxResult r = run(tx, p);
    ASSERT_EQ(r.count, 3u);
    EXPECT_FALSE(r.input_forwarded);
    for (std::uint32_t i = 0; i < r.count; ++i) {
        // The port finishes checksums: segments leave partial, with per-segment seeds.
        EXPECT_EQ(out[i]->offload.csum, CsumState::partial);
        EXPECT_EQ(stored_l4_checksum(sent(i, f)), ref_seed(sent(i, f)));
        pool.free(out[i]);
    }
    pool.free(p);
}

// A9: a non-GSO frame larger than MTU + L2 is dropped, never truncated; VLAN tags do not
// count against the MTU.
TEST_F(TxFixture, A9_OversizeNonGsoDropped) {
    TxPreparer tx(kRaw, pool);
    const Frame exact = build_frame({.vlans = {5}, .payload = make_payload(1500 - 40)});
    Packet* p = load_packet(pool, exact);
    EXPECT_EQ(run(tx, p).count, 1u);
    pool.free(p);
    const Frame big = build_frame({.payload = make_payload(1500 - 39)});
    p = load_packet(pool, big);
    EXPECT_EQ(run(tx, p).drop, TxDropReason::oversize);
    p->offload = partial_offload(big);
    EXPECT_EQ(run(tx, p).drop, TxDropReason::oversize);
    EXPECT_EQ(tx.counters().dropped(TxDropReason::oversize), 2u);
    pool.free(p);
    TxPreparer unlimited({.mtu = 0}, pool);
    p = load_packet(pool, big);
    EXPECT_EQ(unlimited.prepare(*p, out).count, 1u);
    pool.free(p);
}

// B15: SCTP partial to a vnet port: CRC32c in software, never NEEDS_CSUM.
TEST_F(TxFixture, B15_SctpIsFinishedInSoftware) {
    const Frame f = build_frame({.l4 = kSctp, .payload = make_payload(80), .csum = CsumFill::seed});
    TxPreparer tx(kVnet, pool);
    Packet* p = load_packet(pool, f, partial_offload(f));
    ASSERT_EQ(run(tx, p).count, 1u);
    EXPECT_EQ(encode_vnet_hdr(p->offload).flags, 0);
    EXPECT_TRUE(l4_checksum_ok(sent(0, f)));
    pool.free(p);
}

// B14: after a TTL decrement the IPv4 header checksum is right in software; L4 stays offloaded.
TEST_F(TxFixture, B14_Ipv4HeaderInSoftwareL4Offloaded) {
    const Frame f = build_frame({.payload = make_payload(10), .csum = CsumFill::seed});
    TxPreparer tx(kVnet, pool);
    Packet* p = load_packet(pool, f, partial_offload(f));
    ASSERT_EQ(decrement_ttl(*p, net::parse(p->bytes())), RewriteStatus::ok);
    ASSERT_EQ(run(tx, p).count, 1u);
    EXPECT_TRUE(ref_ipv4_header_ok(sent(0, f)));
    EXPECT_EQ(p->offload.csum, CsumState::partial);
    pool.free(p);
}

// B16: capabilities change at runtime (ethtool -K tx off): software fallback from then on.
TEST_F(TxFixture, B16_CapsChangeAtRuntime) {
    const Frame f = build_frame({.payload = make_payload(100), .csum = CsumFill::seed});
    TxPreparer tx(kVnet, pool);
    Packet* p = load_packet(pool, f, partial_offload(f));
    run(tx, p);
    EXPECT_EQ(p->offload.csum, CsumState::partial);
    tx.set_caps(kRaw);
    run(tx, p);
    EXPECT_EQ(p->offload.csum, CsumState::none);
    EXPECT_TRUE(l4_checksum_ok(sent(0, f)));
    pool.free(p);
}

// B17 and D27/D28: a mixed batch to a port without offload: only the partial packet changes;
// good and bad leave byte-identical, bad stays bad, and only verified keeps DATA_VALID.
TEST_F(TxFixture, B17_D27_D28_MixedBatch) {
    const Frame partial = build_frame({.payload = make_payload(50, 1), .csum = CsumFill::seed});
    const Frame good = build_frame({.payload = make_payload(50, 2)});
    const Frame bad = build_frame({.payload = make_payload(50, 3), .csum = CsumFill::bad});
    const Frame unknown =
        build_frame({.l4 = kUdp, .payload = make_payload(50, 4), .csum = CsumFill::zero});
    for (const PortOffloadCaps& caps : {kRaw, PortOffloadCaps{.accepts_verified_mark = true}}) {
        TxPreparer tx(caps, pool);
        Packet* ps[4] = {load_packet(pool, partial, partial_offload(partial)),
                         load_packet(pool, good, {.csum = CsumState::verified}),
                         load_packet(pool, bad), load_packet(pool, unknown)};
        const Frame* fs[4] = {&partial, &good, &bad, &unknown};
        for (int i = 0; i < 4; ++i) {
            ASSERT_EQ(run(tx, ps[i]).count, 1u);
            const Frame s = sent(0, *fs[i]);
            if (i == 0) {
                EXPECT_TRUE(l4_checksum_ok(s));
            } else {
                EXPECT_EQ(s.bytes, fs[i]->bytes) << i;
            }
        }
        EXPECT_FALSE(l4_checksum_ok(sent(0, bad)));
        EXPECT_EQ(encode_vnet_hdr(ps[1]->offload).flags,
                  caps.accepts_verified_mark ? VirtioNetHdr::kFlagDataValid : 0);
        EXPECT_EQ(encode_vnet_hdr(ps[2]->offload).flags, 0);  // D27: never DATA_VALID
        EXPECT_EQ(encode_vnet_hdr(ps[3]->offload).flags, 0);
        for (Packet* p : ps) pool.free(p);
    }
}

// F34: a super-frame to a port without TSO: segmented, counted.
TEST_F(TxFixture, F34_GsoToNonTsoPortIsSegmented) {
    const Frame f = build_frame({.payload = make_payload(2000), .csum = CsumFill::seed});
    TxPreparer tx(kRaw, pool);
    Packet* p = load_packet(pool, f, gso_offload(f, 500));
    const TxResult r = run(tx, p);
    ASSERT_EQ(r.count, 4u);
    for (std::uint32_t i = 0; i < r.count; ++i) {
        EXPECT_TRUE(l4_checksum_ok(sent(i, f)));
        EXPECT_TRUE(ref_ipv4_header_ok(sent(i, f)));
        pool.free(out[i]);
    }
    EXPECT_EQ(tx.counters().gso_sw, 1u);
    EXPECT_EQ(tx.counters().segments, 4u);
    EXPECT_EQ(tx.counters().csum_sw_ip, 4u);
    EXPECT_EQ(tx.counters().csum_sw_l4, 4u);
    pool.free(p);
}

// A GRO'd super-frame (DATA_VALID + GSO, no NEEDS_CSUM): segmented with fresh checksums for a
// port without TSO; passed as a partial super-frame with its seed to a TSO port.
TEST_F(TxFixture, GroVerifiedSuperFrame) {
    const Frame f = build_frame({.ip_version = 6, .payload = make_payload(4000)});
    OffloadInfo gro = gso_offload(f, 1440);
    gro.csum = CsumState::verified;
    gro.csum_start = gro.csum_offset = 0;
    TxPreparer raw(kRaw, pool);
    Packet* p = load_packet(pool, f, gro);
    const TxResult r = raw.prepare(*p, out);
    ASSERT_EQ(r.count, 3u);
    for (std::uint32_t i = 0; i < r.count; ++i) {
        EXPECT_TRUE(l4_checksum_ok(sent(i, f)));
        EXPECT_EQ(out[i]->offload.csum, CsumState::none);
        pool.free(out[i]);
    }
    p->offload = gro;
    TxPreparer vnet(kVnet, pool);
    ASSERT_EQ(vnet.prepare(*p, out).count, 1u);
    EXPECT_EQ(p->offload.csum, CsumState::partial);
    EXPECT_EQ(p->offload.csum_start, f.l4);
    EXPECT_EQ(stored_l4_checksum(sent(0, f)), ref_seed(f));
    pool.free(p);
}

// A GRO'd super-frame that fits in one segment goes out as itself: its stale full checksum
// (whatever GRO left) must be replaced by the seed before the software completion, which
// sums the field as it stands.
TEST_F(TxFixture, GroVerifiedSingleSegmentIsCompletedFromItsSeed) {
    for (std::uint8_t l4 : {kTcp, kUdp}) {
        const Frame f = build_frame({.l4 = l4, .payload = make_payload(700)});
        OffloadInfo gro = gso_offload(f, 1000);
        gro.csum = CsumState::verified;
        gro.csum_start = gro.csum_offset = 0;
        TxPreparer raw(kRaw, pool);
        Packet* p = load_packet(pool, f, gro);
        ASSERT_EQ(raw.prepare(*p, out).count, 1u);
        EXPECT_EQ(p->offload.csum, CsumState::none);
        EXPECT_TRUE(l4_checksum_ok(sent(0, f))) << int(l4);
        pool.free(p);
    }
}

// F35: to a TSO port whose MTU is smaller than headers + gso_size: the segment size is lowered
// (TCP) so the device never gets an invalid one; USO beyond the MTU is dropped.
TEST_F(TxFixture, F35_TsoBeyondEgressMtu) {
    const Frame f = build_frame({.payload = make_payload(9000), .csum = CsumFill::seed});
    PortOffloadCaps caps = kVnet;
    caps.mtu = 1000;
    TxPreparer tx(caps, pool);
    Packet* p = load_packet(pool, f, gso_offload(f, 1448));
    ASSERT_EQ(run(tx, p).count, 1u);
    EXPECT_EQ(p->offload.gso.size, 1000 - 40);
    EXPECT_EQ(p->offload.gso.hdr_len, f.payload);
    EXPECT_EQ(tx.counters().gso_resized, 1u);
    EXPECT_EQ(tx.counters().gso_passed, 1u);
    EXPECT_EQ(stored_l4_checksum(sent(0, f)), ref_seed(f));

    TxPreparer raw({.mtu = 1000}, pool);
    p->offload = gso_offload(f, 1448);
    const TxResult r = raw.prepare(*p, out);
    ASSERT_EQ(r.count, gso_segment_count(9000, 960));
    for (std::uint32_t i = 0; i < r.count; ++i) {
        EXPECT_LE(out[i]->length, 1000u + 14);
        pool.free(out[i]);
    }
    pool.free(p);

    const Frame u =
        build_frame({.l4 = kUdp, .payload = make_payload(5000), .csum = CsumFill::seed});
    p = load_packet(pool, u, gso_offload(u, 1400));
    EXPECT_EQ(raw.prepare(*p, out).drop, TxDropReason::gso_segment_exceeds_mtu);
    pool.free(p);
}

// A super-frame that fits in one segment is sent as itself, without a copy.
TEST_F(TxFixture, SingleSegmentSuperFrameIsNotCopied) {
    const Frame f = build_frame({.l4 = kUdp, .payload = make_payload(700), .csum = CsumFill::seed});
    for (const PortOffloadCaps& caps : {kRaw, kCsumOnly}) {
        TxPreparer tx(caps, pool);
        Packet* p = load_packet(pool, f, gso_offload(f, 1000));
        const TxResult r = run(tx, p);
        ASSERT_EQ(r.count, 1u);
        EXPECT_TRUE(r.input_forwarded);
        EXPECT_FALSE(p->offload.gso.active());
        EXPECT_EQ(p->offload.csum, caps.l4_csum ? CsumState::partial : CsumState::none);
        EXPECT_EQ(caps.l4_csum ? stored_l4_checksum(sent(0, f)) == ref_seed(f)
                               : l4_checksum_ok(sent(0, f)),
                  true);
        EXPECT_EQ(tx.counters().segments, 1u);
        pool.free(p);
    }
}

// F38: 35 KB / 1000 -> 35 segments, no drops, all 35 returned.
TEST_F(TxFixture, F38_SegmentsBeyondABatch) {
    const Frame f = build_frame({.payload = make_payload(35000), .csum = CsumFill::seed});
    TxPreparer tx({.mtu = 9000}, pool);
    Packet* p = load_packet(pool, f, gso_offload(f, 1000));
    const TxResult r = run(tx, p);
    EXPECT_EQ(r.count, 35u);
    EXPECT_EQ(tx.counters().dropped_total(), 0u);
    for (std::uint32_t i = 0; i < r.count; ++i) pool.free(out[i]);
    pool.free(p);
}

TEST_F(TxFixture, PoolExhaustionAndSmallOutputAreNamedDrops) {
    const Frame f = build_frame({.payload = make_payload(35000), .csum = CsumFill::seed});
    PacketPool small(8, kSuperFrameBufferSize);
    TxPreparer tx(kRaw, small);
    Packet* p = load_packet(small, f, gso_offload(f, 1000));
    EXPECT_EQ(run(tx, p).drop, TxDropReason::pool_exhausted);
    EXPECT_EQ(small.in_use(), 1u);
    EXPECT_EQ(tx.prepare(*p, std::span<Packet*>(out.data(), 10)).drop,
              TxDropReason::too_many_segments);
    EXPECT_EQ(tx.counters().dropped_total(), 2u);
    EXPECT_STREQ(to_string(TxDropReason::pool_exhausted), "pool_exhausted");
    small.free(p);
}

}  // namespace
}  // namespace sy::offload
