#include "datapath/normal_action.hpp"

#include <cstring>

#include "base/bytes.hpp"
#include "datapath/egress.hpp"

namespace sy::datapath {

namespace {
std::uint64_t mac_vlan_key(const std::uint8_t* mac, std::uint16_t vlan) {
    return load_mac48(mac) | std::uint64_t{vlan} << 48;
}
}  // namespace

Packet* clone_packet(Worker& w, const Packet& p) {
    return clone_packet_from(w.pool(), p);
}

Packet* clone_packet_from(PacketPool& pool, const Packet& p) {
    Packet* c = pool.alloc();
    if (!c) return nullptr;
    if (p.length > c->buffer_size - p.offset) {
        release(c);
        return nullptr;
    }
    c->offset = p.offset;
    c->length = p.length;
    std::memcpy(c->data(), p.data(), p.length);
    c->offload = p.offload;
    c->in_port = p.in_port;
    c->meta = p.meta;
    c->tunnel = p.tunnel;
    return c;
}

std::optional<DropReason> NormalAction::run(Worker& w, SwitchPort& in, Packet* p,
                                            NormalBurstCache& cache) {
    std::uint16_t vlan = 0;
    switch (in.vlan.classify(*p, vlan)) {
        case l2::VlanIngress::accept:
            break;
        case l2::VlanIngress::drop_tagged_on_access:
            return DropReason::vlan_tagged_on_access;
        case l2::VlanIngress::drop_untagged_on_trunk:
            return DropReason::vlan_untagged_on_trunk;
        case l2::VlanIngress::drop_vlan_not_allowed:
            return DropReason::vlan_not_allowed;
    }
    Bridge& br = *in.bridge;
    const std::uint8_t* eth = p->data();
    const std::uint64_t src_key = mac_vlan_key(eth + 6, vlan);
    if (src_key != cache.src_key) {
        const l2::MacTableCounters& c = br.fdb.counters();
        const std::uint64_t changes = c.learned + c.moved;
        br.fdb.learn(eth + 6, vlan, in.id, w.now_ns);
        if (c.learned + c.moved != changes) fast_.note_learned(br, eth + 6, vlan);
        cache.src_key = src_key;
        cache.dst_key = ~0ull;  // learning may have moved the destination too
    }
    if (!(eth[0] & 1)) {  // unicast: known destinations get exactly one copy
        const std::uint64_t dst_key = mac_vlan_key(eth, vlan);
        if (dst_key != cache.dst_key) {
            cache.dst_key = dst_key;
            cache.dst_port = br.fdb.lookup(eth, vlan, w.now_ns);
        }
        if (cache.dst_port == in.id) return DropReason::no_destination;
        SwitchPort* dst = registry_.port(cache.dst_port);
        if (dst && dst->up && dst->bridge == &br) return output(w, in, *dst, p, vlan);
    }
    return flood(w, in, p, vlan);
}

std::optional<DropReason> NormalAction::flood(Worker& w, SwitchPort& in, Packet* p,
                                              std::uint16_t vlan) {
    std::vector<SwitchPort*>& targets = w.flood_targets();
    targets.clear();  // capacity reserved when ports are added: no allocation here
    for (SwitchPort* sp : in.bridge->ports) {
        if (sp != &in && sp->up && sp->vlan.carries(vlan)) targets.push_back(sp);
    }
    if (targets.empty()) return DropReason::no_destination;
    // Copies first: output() may rewrite the original (VLAN tags, segmentation).
    const std::size_t last = targets.size() - 1;
    for (std::size_t i = 0; i < last; ++i) {
        Packet* c = clone_packet(w, *p);
        if (!c) {
            w.lane(in.id)->counters.drop(DropReason::flood_no_buffer);
            continue;
        }
        if (auto r = output(w, in, *targets[i], c, vlan)) {
            w.lane(targets[i]->id)->counters.drop(*r);
            release(c);
        }
    }
    return output(w, in, *targets[last], p, vlan);
}

std::optional<DropReason> NormalAction::output(Worker& w, SwitchPort& in, SwitchPort& out,
                                               Packet* p, std::uint16_t vlan) {
    // The frame carries a tag exactly when it came from a trunk; the egress decides.
    const bool tagged = in.vlan.mode() == l2::VlanMode::trunk;
    const bool want_tag = out.vlan.mode() == l2::VlanMode::trunk;
    if (tagged && !want_tag) {
        l2::vlan_pop(*p);
    } else if (!tagged && want_tag && !l2::vlan_push(*p, vlan)) {
        // Counted on the egress port, where the tag was needed.
        w.lane(out.id)->counters.drop(DropReason::vlan_no_headroom);
        release(p);
        return std::nullopt;
    }
    send_to_port(w, out, p);
    return std::nullopt;
}

}  // namespace sy::datapath
