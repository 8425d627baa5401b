#include "datapath/egress.hpp"

#include "datapath/capture_point.hpp"

namespace sy::datapath {

namespace {

void enqueue(Worker& w, SwitchPort& out, PortLane& lane, Packet* p) {
    // Lab only: what pre-3.14 veth did, tell the receiver every unchecked packet is fine.
    if (out.config.unsafe_mark_verified && mark_unsafely(*p, lane.prep.caps().l4_csum)) {
        ++lane.counters.unsafe_marked;
    }
    if (out.capture) capture_packet(out, *p, true);
    lane.tx.push(p);
    if (lane.tx.full()) flush_lane(out, lane);
    if (!lane.dirty) {
        lane.dirty = true;
        w.dirty().push_back(out.id);
    }
}

}  // namespace

void send_to_port(Worker& w, SwitchPort& out, Packet* p) {
    PortLane* lane = w.lane(out.id);
    if (!lane || !out.up) {
        if (lane) lane->counters.drop(DropReason::port_down);
        release(p);
        return;
    }
    const std::span<Packet*> segments = w.segments();
    const offload::TxResult r = lane->prep.prepare(*p, segments);
    if (!r.input_forwarded) release(p);  // dropped (counted by prep) or replaced by segments
    for (std::uint32_t i = 0; i < r.count; ++i) enqueue(w, out, *lane, segments[i]);
}

void flush_lane(SwitchPort& out, PortLane& lane) {
    if (lane.tx.empty()) return;
    if (!out.io) {
        lane.counters.drop(DropReason::port_down, lane.tx.count);
        for (Packet* p : lane.tx) release(p);
        lane.tx.clear();
        return;
    }
    out.io->tx_burst(lane.tx);
}

}  // namespace sy::datapath
