// Property (rapidcheck): any sequence of checksum-aware rewrites on any TCP/UDP frame leaves
// every checksum what a full recomputation gives -- for good packets; exactly as wrong for bad
// ones; the recomputed seed for partial ones (and completing it then gives the right checksum);
// and a zero UDP checksum stays zero. A verified packet stays verified and right, or became
// partial with the right seed. The IPv4 header checksum is always right.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "net/parse.hpp"
#include "offload/csum_complete.hpp"
#include "offload/rewrite.hpp"
#include "testlib/packet_util.hpp"

namespace sy::offload {
namespace {

using namespace testlib;

std::uint16_t ones_diff(std::uint16_t a, std::uint16_t b) {
    std::uint32_t d = a + static_cast<std::uint16_t>(~b);
    while (d >> 16) d = (d & 0xFFFF) + (d >> 16);
    return d == 0xFFFF ? 0 : static_cast<std::uint16_t>(d);
}

struct Op {
    int kind;  // 0 src addr, 1 dst addr, 2 src port, 3 dst port, 4 ttl, 5 dscp, 6 ecn,
               // 7 set ttl, 8 tos, 9 eth src, 10 flow label
    std::uint32_t value;
    std::array<std::uint8_t, 16> addr6;
};

void apply(Packet& p, const net::ParsedHeaders& parsed, const Op& op, int v) {
    switch (op.kind) {
        case 0:
            v == 4 ? set_ipv4_src(p, parsed, op.value) : set_ipv6_src(p, parsed, op.addr6.data());
            break;
        case 1:
            v == 4 ? set_ipv4_dst(p, parsed, op.value) : set_ipv6_dst(p, parsed, op.addr6.data());
            break;
        case 2:
            set_l4_src_port(p, parsed, static_cast<std::uint16_t>(op.value));
            break;
        case 3:
            set_l4_dst_port(p, parsed, static_cast<std::uint16_t>(op.value));
            break;
        case 4:
            decrement_ttl(p, parsed);
            break;
        case 5:
            set_dscp(p, parsed, static_cast<std::uint8_t>(op.value & 63));
            break;
        case 6:
            set_ecn(p, parsed, static_cast<std::uint8_t>(op.value & 3));
            break;
        case 7:
            set_ttl(p, parsed, static_cast<std::uint8_t>(op.value));
            break;
        case 8:
            set_tos(p, parsed, static_cast<std::uint8_t>(op.value));
            break;
        case 9:
            set_eth_src(p, parsed, op.addr6.data());
            break;
        default:
            set_ipv6_flow_label(p, parsed, op.value & 0xFFFFF);
            break;
    }
}

RC_GTEST_PROP(RewriteProperties, IncrementalEqualsRecomputationInEveryState, ()) {
    const int v = *rc::gen::element(4, 6);
    const std::uint8_t proto = *rc::gen::element(kTcp, kUdp);
    const int start = *rc::gen::inRange(0, 5);  // 0 good, 1 bad, 2 partial, 3 UDP zero, 4 verified
    const auto payload = *rc::gen::container<std::vector<std::uint8_t>>(
        *rc::gen::inRange<std::size_t>(0, 400), rc::gen::arbitrary<std::uint8_t>());
    const std::size_t vlans = *rc::gen::inRange<std::size_t>(0, 3);
    const int n_ops = *rc::gen::inRange(1, 12);
    std::vector<Op> ops;
    for (int i = 0; i < n_ops; ++i) {
        Op op{*rc::gen::inRange(0, 11), *rc::gen::arbitrary<std::uint32_t>(), {}};
        for (auto& b : op.addr6) b = *rc::gen::arbitrary<std::uint8_t>();
        ops.push_back(op);
    }
    const bool udp_zero = start == 3 && proto == kUdp;
    FrameSpec spec{.ip_version = v, .l4 = proto, .payload = payload};
    spec.vlans.assign(vlans, 100);
    spec.csum = start == 1   ? CsumFill::bad
                : start == 2 ? CsumFill::seed
                : udp_zero   ? CsumFill::zero
                             : CsumFill::correct;
    const Frame f = build_frame(spec);
    PacketPool pool(1, 2048);
    OffloadInfo offload = start == 2 ? partial_offload(f) : OffloadInfo{};
    if (start == 4) offload.csum = CsumState::verified;
    Packet* p = load_packet(pool, f, offload);
    const net::ParsedHeaders parsed = net::parse(p->bytes());
    RC_ASSERT(parsed.ok());
    const std::uint16_t badness_before =
        static_cast<std::uint16_t>(ones_diff(static_cast<std::uint16_t>(stored_l4_checksum(f)),
                                             static_cast<std::uint16_t>(ref_l4_checksum(f))));

    for (const Op& op : ops) apply(*p, parsed, op, v);
    const Frame after = frame_of(*p, f);
    RC_ASSERT(ref_ipv4_header_ok(after));
    const auto stored = static_cast<std::uint16_t>(stored_l4_checksum(after));
    if (udp_zero) {
        RC_ASSERT(stored == 0);
    } else if (start == 4 && p->offload.csum == CsumState::verified) {
        RC_ASSERT(l4_checksum_ok(after));
    } else if (start == 2 || start == 4) {
        RC_ASSERT(p->offload.csum == CsumState::partial);
        RC_ASSERT(stored == ref_seed(after));
        RC_ASSERT(complete_partial(*p, parsed) == CompleteStatus::ok);
        RC_ASSERT(l4_checksum_ok(frame_of(*p, f)));
    } else {
        RC_ASSERT(!(proto == kUdp && stored == 0));  // an update landing on 0 is sent 0xFFFF
        RC_ASSERT(ones_diff(stored, static_cast<std::uint16_t>(ref_l4_checksum(after))) ==
                  badness_before);
    }
}

}  // namespace
}  // namespace sy::offload
