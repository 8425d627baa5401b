// Case 6 at scale: random, mostly malformed frames and virtio-net headers through decode and
// tx_prepare. Nothing may be read or written outside the frame (canaries around it; ASan in
// the sanitizer build), every packet is either sent or dropped with a reason, and nothing
// leaves partial or verified towards a port that cannot take it.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "offload/tx_prepare.hpp"
#include "packet/vnet_hdr.hpp"
#include "testlib/packet_util.hpp"

namespace sy::offload {
namespace {

using namespace testlib;

constexpr std::uint8_t kCanary = 0xC5;

Frame random_frame(std::mt19937& rng) {
    FrameSpec s;
    s.ip_version = rng() % 2 ? 4 : 6;
    const std::uint8_t protos[] = {kTcp, kUdp, kSctp, kIcmp};
    s.l4 = protos[rng() % 4];
    if (s.l4 == kIcmp && s.ip_version == 6) s.l4 = kIcmpv6;
    s.vlans.assign(rng() % 3, static_cast<std::uint16_t>(rng() & 0xFFF));
    s.payload = make_payload(rng() % 4000, rng());
    s.csum = static_cast<CsumFill>(rng() % 4);
    Frame f = build_frame(s);
    switch (rng() % 4) {
        case 0:
            f.bytes.resize(rng() % (f.bytes.size() + 1));
            break;  // truncated
        case 1:
            f.bytes[rng() % f.bytes.size()] ^= static_cast<std::uint8_t>(1 + rng() % 255);
            break;
        default:
            break;
    }
    return f;
}

VirtioNetHdr random_hdr(std::mt19937& rng, const Frame& f) {
    VirtioNetHdr h;
    h.flags = static_cast<std::uint8_t>(rng() % 8 == 0 ? rng() : rng() % 4);
    const std::uint8_t types[] = {0, 0, 0, 1, 3, 4, 5, 0x81, 2};
    h.gso_type = types[rng() % 9];
    h.gso_size = static_cast<std::uint16_t>(rng() % 3 == 0 ? rng() : rng() % 2000);
    const auto near = [&](std::uint32_t v) {
        return static_cast<std::uint16_t>(v + rng() % 5 - 2);
    };
    h.csum_start =
        rng() % 3 ? near(f.l4) : static_cast<std::uint16_t>(rng() % (f.bytes.size() + 8));
    const std::uint16_t offsets[] = {16, 6, 8, 2, 0, 15, 0xFFFF};
    h.csum_offset = offsets[rng() % 7];
    h.hdr_len = rng() % 2 ? near(f.payload) : static_cast<std::uint16_t>(rng());
    return h;
}

TEST(TxPrepareRobustness, A6_RandomMetadataNeverEscapesTheFrame) {
    std::mt19937 rng(6);
    PacketPool in_pool(1, kSuperFrameBufferSize);
    PacketPool seg_pool(600, 4096);
    std::vector<Packet*> out(600);
    std::uint64_t sent = 0, dropped = 0, decode_errors = 0;
    for (int i = 0; i < 10000; ++i) {
        const Frame f = random_frame(rng);
        Packet* p = in_pool.alloc();
        // Canaries: the whole headroom and 256 bytes behind the frame.
        const std::uint32_t guard_end = std::min<std::uint32_t>(
            p->buffer_size, p->offset + static_cast<std::uint32_t>(f.bytes.size()) + 256);
        std::fill(p->buffer, p->buffer + guard_end, kCanary);
        p->resize(static_cast<std::uint32_t>(f.bytes.size()));
        std::copy(f.bytes.begin(), f.bytes.end(), p->data());
        if (decode_vnet_hdr(random_hdr(rng, f), p->bytes(), p->offload) != VnetDecodeStatus::ok) {
            ++decode_errors;
            if (rng() % 2) {  // also feed unchecked metadata straight to tx_prepare
                p->offload = partial_offload(f);
                p->offload.csum_start = static_cast<std::uint16_t>(rng() % 200);
                p->offload.csum_offset = static_cast<std::uint16_t>(rng() % 40);
            } else {
                in_pool.free(p);
                continue;
            }
        }
        const PortOffloadCaps caps{.l4_csum = rng() % 2 == 0,
                                   .tso4 = rng() % 2 == 0,
                                   .tso6 = rng() % 2 == 0,
                                   .uso = rng() % 2 == 0,
                                   .mtu = rng() % 3 ? 1500u : 0u,
                                   .accepts_verified_mark = rng() % 2 == 0};
        TxPreparer tx(caps, seg_pool);
        const TxResult r = tx.prepare(*p, out);
        ASSERT_LE(r.count, out.size());
        if (r.count == 0) {
            ++dropped;
            ASSERT_NE(r.drop, TxDropReason::none);
        } else {
            sent += r.count;
            for (std::uint32_t k = 0; k < r.count; ++k) {
                const OffloadInfo& o = out[k]->offload;
                if (!caps.l4_csum) {
                    ASSERT_NE(o.csum, CsumState::partial) << i;
                }
                if (!caps.accepts_verified_mark) {
                    ASSERT_NE(o.csum, CsumState::verified) << i;
                }
                if (o.gso.active()) {
                    ASSERT_TRUE(caps.tso4 || caps.tso6 || caps.uso) << i;
                }
                if (o.is_partial()) {
                    ASSERT_LE(o.csum_start + o.csum_offset + 2u, out[k]->length);
                }
                if (caps.mtu && !o.gso.active()) {
                    ASSERT_LE(out[k]->length, caps.mtu + 22u);
                }
            }
        }
        for (std::uint32_t b = 0; b < p->offset; ++b) ASSERT_EQ(p->buffer[b], kCanary) << i;
        for (std::uint32_t b = p->offset + p->length; b < guard_end; ++b) {
            ASSERT_EQ(p->buffer[b], kCanary) << i;
        }
        if (!r.input_forwarded) {
            for (std::uint32_t k = 0; k < r.count; ++k) seg_pool.free(out[k]);
        }
        in_pool.free(p);
        ASSERT_EQ(seg_pool.in_use(), 0u);
    }
    // The mix exercised every outcome.
    EXPECT_GT(sent, 500u);
    EXPECT_GT(dropped, 500u);
    EXPECT_GT(decode_errors, 500u);
}

}  // namespace
}  // namespace sy::offload
