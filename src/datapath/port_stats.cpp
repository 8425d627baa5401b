// What the control plane sees of the datapath: bridges, ports, and their counters gathered
// from the port's I/O, every worker's lane (egress preparation and datapath counters) and the
// kernel fast path.
#include <algorithm>

#include <fmt/core.h>

#include "datapath/switch_core.hpp"
#include "port/tunnel/tunnel_port.hpp"

namespace sy::datapath {

void accumulate(PortStats& into, const PortStats& from) {
    into.rx_packets += from.rx_packets;
    into.rx_bytes += from.rx_bytes;
    into.tx_packets += from.tx_packets;
    into.tx_bytes += from.tx_bytes;
    into.csum_completed_sw += from.csum_completed_sw;
    into.csum_verified_good += from.csum_verified_good;
    into.csum_verified_bad += from.csum_verified_bad;
    into.csum_pseudo_seed += from.csum_pseudo_seed;
    into.gso_passed += from.gso_passed;
    into.gso_segmented += from.gso_segmented;
    into.segments_out += from.segments_out;
    into.gso_resized += from.gso_resized;
    into.corrupted_injected += from.corrupted_injected;
    into.unsafe_marked += from.unsafe_marked;
    into.fastpath_rx_packets += from.fastpath_rx_packets;
    into.fastpath_rx_bytes += from.fastpath_rx_bytes;
    into.fastpath_tx_packets += from.fastpath_tx_packets;
    into.fastpath_tx_bytes += from.fastpath_tx_bytes;
    into.poll_ns += from.poll_ns;
    for (const auto& drop : from.drops) {
        // (Not a structured binding: clang does not let a lambda capture one in C++20.)
        auto it = std::find_if(into.drops.begin(), into.drops.end(),
                               [&](const auto& d) { return d.first == drop.first; });
        if (it == into.drops.end()) {
            into.drops.push_back(drop);
        } else {
            it->second += drop.second;
        }
    }
}

PortStats SwitchCore::lane_counters(const SwitchPort& sp) const {
    PortStats st;
    const PortLane* lane = worker_.lane(sp.id);
    if (!lane) return st;
    const offload::TxCounters& tx = lane->prep.counters();
    st.csum_completed_sw = tx.csum_sw_l4;
    st.gso_passed = tx.gso_passed;
    st.gso_segmented = tx.gso_sw;
    st.segments_out = tx.segments;
    st.gso_resized = tx.gso_resized;
    const LaneCounters& c = lane->counters;
    st.corrupted_injected = c.corrupted_injected;
    st.unsafe_marked = c.unsafe_marked;
    st.csum_verified_good = c.verified_good;
    st.csum_verified_bad = c.verified_bad;
    st.csum_pseudo_seed = c.pseudo_seed;
    for (std::size_t i = 0; i < kDropReasonCount; ++i) {
        if (c.drops[i]) st.drops.emplace_back(to_string(static_cast<DropReason>(i)), c.drops[i]);
    }
    for (std::size_t i = 1; i < tx.drops.size(); ++i) {
        if (tx.drops[i]) {
            st.drops.emplace_back(
                fmt::format("egress_{}", offload::to_string(static_cast<offload::TxDropReason>(i))),
                tx.drops[i]);
        }
    }
    return st;
}

PortInfo SwitchCore::info(const SwitchPort& sp) const {
    PortInfo pi;
    pi.config = sp.config;
    pi.id = sp.id;
    pi.up = sp.up;
    if (sp.io) {
        sp.io->refresh_counters();
        sp.io->driver_stats(pi.stats.driver);
    }
    if (const auto* t = dynamic_cast<const port::TunnelPort*>(sp.io.get())) {
        pi.inner_mtu = t->mtu();
        pi.underlay_mtu = t->underlay_mtu();
    }
    fast_.fill_info(sp, pi);  // the fast path's state and counters
    const port::PortCounters& io = sp.io_counters();
    PortStats& st = pi.stats;
    st.rx_packets = io.rx_packets;
    st.rx_bytes = io.rx_bytes;
    st.tx_packets = io.tx_packets;
    st.tx_bytes = io.tx_bytes;
    st.poll_ns = sp.poll_ns;
    for (std::size_t i = 0; i < port::kPortDropCount; ++i) {
        if (io.drops[i])
            st.drops.emplace_back(port::to_string(static_cast<port::PortDrop>(i)), io.drops[i]);
    }
    accumulate(st, lane_counters(sp));
    accumulate(st, sp.carried);  // what earlier poll threads counted (a moved bridge)
    return pi;
}

std::vector<BridgeInfo> SwitchCore::bridges() const {
    RoundLock::Control lk(lock_);
    std::vector<BridgeInfo> out;
    for (const auto& [name, br] : registry_.all_bridges()) {
        BridgeInfo bi;
        bi.name = name;
        bi.id = br->id;
        for (SwitchPort* sp : br->ports) bi.ports.push_back(info(*sp));
        if (const flow::FlowCache* cache = worker_.cache(br->id)) bi.flow_cache = cache->stats();
        out.push_back(std::move(bi));
    }
    return out;
}

}  // namespace sy::datapath
