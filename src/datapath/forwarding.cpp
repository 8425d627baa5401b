// The per-packet path of SwitchCore: classify (VLAN), learn, look up, flood, prepare for the
// egress port, batch per egress port. No allocation, no exceptions: every packet that is not
// sent is counted under a named reason.
#include <time.h>

#include <cstring>

#include "datapath/switch_core_state.hpp"
#include "net/l4_checksum.hpp"

namespace sy::datapath {

void SwitchCore::drop(SwitchPort& sp, DropReason reason, Packet* p) {
    ++sp.drops[static_cast<std::size_t>(reason)];
    pool_.free(p);
}

void SwitchCore::capture(SwitchPort& sp, const Packet& p, bool outbound) {
    const CaptureDirection d = sp.capture_direction;
    if (d != CaptureDirection::both && (d == CaptureDirection::out) != outbound) return;
    timespec ts;
    ::clock_gettime(CLOCK_REALTIME, &ts);
    const std::uint64_t t = std::uint64_t(ts.tv_sec) * 1'000'000'000ull + std::uint64_t(ts.tv_nsec);
    sp.capture->write(p.bytes(), t,
                      outbound ? capture::Direction::outbound : capture::Direction::inbound,
                      &p.offload, capture::KernelMark::unknown);
}

namespace {
// Frames of one burst mostly belong to one or a few flows: remembering the last source learned
// and the last destination looked up skips most hash-table work (the table is only changed by
// learn(), which invalidates the remembered destination).
struct BurstCache {
    std::uint64_t src_key = ~0ull;
    std::uint64_t dst_key = ~0ull;
    PortId dst_port = kNoPort;
};
std::uint64_t mac_vlan_key(const std::uint8_t* mac, std::uint16_t vlan) {
    std::uint64_t k = 0;
    std::memcpy(&k, mac, 6);
    return k | (std::uint64_t{vlan} << 48);
}
}  // namespace

// Ingress check of a checksum nobody vouched for. Only `good` earns the verified mark; the
// bytes are never changed, so a bad packet leaves as bad as it came (the receiver drops it).
void SwitchCore::verify_rx(SwitchPort& in, Packet& p) {
    const net::ParsedHeaders parsed = net::parse(p.bytes());
    if (!parsed.ok()) return;
    switch (net::check_l4_checksum(p.bytes(), parsed.outer).verdict) {
        case net::L4CsumVerdict::good:
            ++in.verified_good;
            p.offload.csum = CsumState::verified;
            break;
        case net::L4CsumVerdict::partial_seed:
            ++in.pseudo_seed;
            ++in.verified_bad;
            break;
        case net::L4CsumVerdict::bad:
        case net::L4CsumVerdict::illegal_zero:
            ++in.verified_bad;
            break;
        default:
            break;
    }
}

void SwitchCore::process(SwitchPort& in, PacketBatch& batch) {
    Bridge& br = *in.bridge;
    BurstCache cache;
    for (Packet* p : batch) {
        p->in_port = in.id;
        if (in.capture) capture(in, *p, false);
        if (p->length < l2::kEthHeaderLen) {
            drop(in, DropReason::runt, p);
            continue;
        }
        std::uint16_t vlan = 0;
        switch (in.vlan.classify(*p, vlan)) {
            case l2::VlanIngress::accept:
                break;
            case l2::VlanIngress::drop_tagged_on_access:
                drop(in, DropReason::vlan_tagged_on_access, p);
                continue;
            case l2::VlanIngress::drop_untagged_on_trunk:
                drop(in, DropReason::vlan_untagged_on_trunk, p);
                continue;
            case l2::VlanIngress::drop_vlan_not_allowed:
                drop(in, DropReason::vlan_not_allowed, p);
                continue;
        }
        const std::uint8_t* eth = p->data();
        const std::uint64_t src_key = mac_vlan_key(eth + 6, vlan);
        if (src_key != cache.src_key) {
            const l2::MacTableCounters& c = br.fdb.counters();
            const std::uint64_t changes = c.learned + c.moved;
            br.fdb.learn(eth + 6, vlan, in.id, now_ns_);
            if (fast_ && c.learned + c.moved != changes) fast_note_learned(br, eth + 6, vlan);
            cache.src_key = src_key;
            cache.dst_key = ~0ull;
        }
        if (in.verify_rx && p->offload.csum == CsumState::none) verify_rx(in, *p);
        if (in.corrupter.enabled() && in.corrupter.maybe_corrupt(*p)) ++in.corrupted_injected;

        if (!(eth[0] & 1)) {  // unicast: known destinations get exactly one copy
            const std::uint64_t dst_key = mac_vlan_key(eth, vlan);
            if (dst_key != cache.dst_key) {
                cache.dst_key = dst_key;
                cache.dst_port = br.fdb.lookup(eth, vlan, now_ns_);
            }
            const PortId dst = cache.dst_port;
            if (dst == in.id) {
                drop(in, DropReason::no_destination, p);
                continue;
            }
            if (dst != kNoPort && dst < ports_.size() && ports_[dst] && ports_[dst]->up) {
                output(in, *ports_[dst], p, vlan);
                continue;
            }
        }
        flood(in, br, p, vlan);
    }
    batch.clear();
}

void SwitchCore::flood(SwitchPort& in, Bridge& br, Packet* p, std::uint16_t vlan) {
    flood_targets_.clear();  // capacity reserved at add_port: no allocation here
    for (SwitchPort* sp : br.ports) {
        if (sp != &in && sp->up && sp->vlan.carries(vlan)) flood_targets_.push_back(sp);
    }
    if (flood_targets_.empty()) {
        drop(in, DropReason::no_destination, p);
        return;
    }
    // Copies first: output() may rewrite the original (VLAN tags, segmentation).
    const std::size_t last = flood_targets_.size() - 1;
    for (std::size_t i = 0; i < last; ++i) {
        Packet* c = pool_.alloc();
        if (!c) {
            ++in.drops[static_cast<std::size_t>(DropReason::flood_no_buffer)];
            continue;
        }
        c->offset = p->offset;
        c->length = p->length;
        std::memcpy(c->data(), p->data(), p->length);
        c->offload = p->offload;
        c->in_port = p->in_port;
        output(in, *flood_targets_[i], c, vlan);
    }
    output(in, *flood_targets_[last], p, vlan);
}

void SwitchCore::output(SwitchPort& in, SwitchPort& out, Packet* p, std::uint16_t vlan) {
    // The frame carries a tag exactly when it came from a trunk; the egress decides.
    const bool tagged = in.vlan.mode() == l2::VlanMode::trunk;
    const bool want_tag = out.vlan.mode() == l2::VlanMode::trunk;
    if (tagged && !want_tag) {
        l2::vlan_pop(*p);
    } else if (!tagged && want_tag && !l2::vlan_push(*p, vlan)) {
        drop(out, DropReason::vlan_no_headroom, p);
        return;
    }
    const offload::TxResult r = out.prep.prepare(*p, segments_);
    if (!r.input_forwarded) pool_.free(p);  // dropped (counted by prep) or replaced by segments
    for (std::uint32_t i = 0; i < r.count; ++i) enqueue(out, segments_[i]);
}

void SwitchCore::enqueue(SwitchPort& out, Packet* p) {
    // Lab only: what pre-3.14 veth did, tell the receiver every unchecked packet is fine.
    if (out.config.unsafe_mark_verified && mark_unsafely(*p, out.prep.caps().l4_csum)) {
        ++out.unsafe_marked;
    }
    if (out.capture) capture(out, *p, true);
    out.tx.push(p);
    if (out.tx.full()) flush(out);
    if (!out.dirty) {
        out.dirty = true;
        dirty_.push_back(&out);
    }
}

void SwitchCore::flush(SwitchPort& out) {
    if (out.tx.empty()) return;
    if (!out.io) {
        for (Packet* p : out.tx) drop(out, DropReason::port_down, p);
        out.tx.clear();
        return;
    }
    out.io->tx_burst(out.tx, pool_);
}

std::uint32_t SwitchCore::poll_round() {
    now_ns_ = options_.clock();
    std::uint32_t received = 0;
    bool vanished = false;
    for (SwitchPort* in : active_) {
        PacketBatch batch;
        const std::uint32_t n = in->io->rx_burst(pool_, batch);
        vanished |= in->io->gone();
        if (n == 0) continue;
        received += n;
        process(*in, batch);
    }
    for (SwitchPort* out : dirty_) {
        flush(*out);
        out->dirty = false;
        vanished |= out->io && out->io->gone();
    }
    dirty_.clear();
    if (fast_change_count_ != 0) fast_publish_changes();
    if (vanished) reap_vanished_ports();
    if (now_ns_ - last_expire_ns_ > 1'000'000'000ull) {
        last_expire_ns_ = now_ns_;
        if (fast_) fast_refresh_from_kernel();  // MACs only the kernel saw lately stay alive
        for (auto& [name, br] : bridges_) br->fdb.expire(now_ns_);
        if (fast_) fast_reconcile();
    }
    return received;
}

}  // namespace sy::datapath
