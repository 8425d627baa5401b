// What the control plane sees of the datapath: bridges, ports, and their counters gathered
// from the port's I/O, every worker's lane (egress preparation and datapath counters) and the
// kernel fast path.
#include <fmt/core.h>

#include "datapath/switch_core.hpp"
#include "port/tunnel/tunnel_port.hpp"

namespace sy::datapath {

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
    const port::PortCounters& io = sp.io_counters();
    PortStats& st = pi.stats;
    st.rx_packets = io.rx_packets;
    st.rx_bytes = io.rx_bytes;
    st.tx_packets = io.tx_packets;
    st.tx_bytes = io.tx_bytes;
    std::array<std::uint64_t, kDropReasonCount> drops{};
    std::array<std::uint64_t, static_cast<std::size_t>(offload::TxDropReason::count_)> tx_drops{};
    if (const PortLane* lane = worker_.lane(sp.id)) {
        const offload::TxCounters& tx = lane->prep.counters();
        st.csum_completed_sw += tx.csum_sw_l4;
        st.gso_passed += tx.gso_passed;
        st.gso_segmented += tx.gso_sw;
        st.segments_out += tx.segments;
        st.gso_resized += tx.gso_resized;
        const LaneCounters& c = lane->counters;
        st.corrupted_injected += c.corrupted_injected;
        st.unsafe_marked += c.unsafe_marked;
        st.csum_verified_good += c.verified_good;
        st.csum_verified_bad += c.verified_bad;
        st.csum_pseudo_seed += c.pseudo_seed;
        for (std::size_t i = 0; i < kDropReasonCount; ++i) drops[i] += c.drops[i];
        for (std::size_t i = 0; i < tx_drops.size(); ++i) tx_drops[i] += tx.drops[i];
    }
    fast_.fill_info(sp, pi);
    for (std::size_t i = 0; i < port::kPortDropCount; ++i) {
        if (io.drops[i])
            st.drops.emplace_back(port::to_string(static_cast<port::PortDrop>(i)), io.drops[i]);
    }
    for (std::size_t i = 0; i < kDropReasonCount; ++i) {
        if (drops[i]) st.drops.emplace_back(to_string(static_cast<DropReason>(i)), drops[i]);
    }
    for (std::size_t i = 1; i < tx_drops.size(); ++i) {
        if (tx_drops[i]) {
            st.drops.emplace_back(
                fmt::format("egress_{}", offload::to_string(static_cast<offload::TxDropReason>(i))),
                tx_drops[i]);
        }
    }
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
