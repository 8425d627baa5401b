// The ingress stage: what happens to every packet a port received, before any decision.
#include "datapath/capture_point.hpp"
#include "datapath/pipeline.hpp"
#include "net/l4_checksum.hpp"

namespace sy::datapath {

namespace {

// Ingress check of a checksum nobody vouched for. Only `good` earns the verified mark; the
// bytes are never changed, so a bad packet leaves as bad as it came (the receiver drops it).
void verify_rx(LaneCounters& c, Packet& p) {
    const net::ParsedHeaders& parsed = ensure_parsed(p);
    if (!parsed.ok()) return;
    switch (net::check_l4_checksum(p.bytes(), parsed.outer).verdict) {
        case net::L4CsumVerdict::good:
            ++c.verified_good;
            p.offload.csum = CsumState::verified;
            break;
        case net::L4CsumVerdict::partial_seed:
            ++c.pseudo_seed;
            ++c.verified_bad;
            break;
        case net::L4CsumVerdict::bad:
        case net::L4CsumVerdict::illegal_zero:
            ++c.verified_bad;
            break;
        default:
            break;
    }
}

}  // namespace

void Pipeline::ingress(Worker& w, SwitchPort& in, PacketBatch& batch, Verdicts& v) {
    LaneCounters& c = w.lane(in.id)->counters;
    for (std::uint32_t i = 0; i < batch.count; ++i) {
        Packet* p = batch.packets[i];
        p->in_port = in.id;
        if (in.capture) capture_packet(in, *p, false);
        if (p->length < l2::kEthHeaderLen) {
            v.drop(i, DropReason::runt);
            continue;
        }
        if (in.verify_rx && p->offload.csum == CsumState::none) verify_rx(c, *p);
        if (in.corrupter.enabled() && in.corrupter.maybe_corrupt(*p)) ++c.corrupted_injected;
        v.next(i);
    }
}

}  // namespace sy::datapath
