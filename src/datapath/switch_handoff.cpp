// Moving a bridge between poll threads (bridge_handoff.hpp): what leaves one SwitchCore and
// what the other sets up, both between rounds under the round lock.
#include <algorithm>

#include <fmt/core.h>

#include "datapath/egress.hpp"
#include "datapath/switch_core.hpp"

namespace sy::datapath {

Result<std::unique_ptr<BridgeHandoff>> SwitchCore::take_bridge(const std::string& name) {
    RoundLock::Control lk(lock_);
    Bridge* br = registry_.bridge(name);
    if (!br) return Status(Errc::not_found, fmt::format("no bridge '{}'", name));
    auto handoff = std::make_unique<BridgeHandoff>();
    const std::uint64_t now = options_.clock();
    const std::vector<SwitchPort*> ports = br->ports;

    // MACs the kernel fast path saw lately must not look older on the new thread.
    fast_.refresh_from_kernel(now);
    br->fdb.for_each(now, [&](const l2::MacEntryView& e) {
        const auto it = std::find_if(ports.begin(), ports.end(),
                                     [&](const SwitchPort* sp) { return sp->id == e.port; });
        if (it == ports.end()) return;
        BridgeHandoff::LearnedMac m{};
        std::copy(e.mac, e.mac + 6, m.mac);
        m.vlan = e.vlan;
        m.port = static_cast<std::size_t>(it - ports.begin());
        m.last_seen_ns = e.last_seen_ns;
        handoff->macs.push_back(m);
    });

    for (SwitchPort* sp : ports) {
        // What this thread's lane and kernel fast path counted stays behind with them: carry
        // the sums (the I/O object carries its own).
        PortInfo counted;
        fast_.fill_info(*sp, counted);
        accumulate(sp->carried, counted.stats);
        stop_polling(*sp);
        accumulate(sp->carried, lane_counters(*sp));  // after the flush: it counts too
        worker_.remove_lane(sp->id);
        handoff->ports.push_back(registry_.release_port(*sp));
    }
    worker_.drop_cache(br->id);
    handoff->bridge = registry_.release_bridge(name);
    registry_.rebuild_active();
    return handoff;
}

Status SwitchCore::can_adopt(const BridgeInfo& bridge) const {
    RoundLock::Control lk(lock_);
    std::vector<std::string> ports;
    for (const PortInfo& p : bridge.ports) ports.push_back(p.config.name);
    return registry_.can_adopt(bridge.name, bridge.id, ports);
}

void SwitchCore::adopt_bridge(std::unique_ptr<BridgeHandoff> handoff) {
    RoundLock::Control lk(lock_);
    Bridge* br = registry_.adopt_bridge(std::move(handoff->bridge));
    std::vector<SwitchPort*> ports;
    for (auto& sp : handoff->ports) ports.push_back(registry_.adopt_port(*br, std::move(sp)));
    // The MAC table is keyed by PortId, which the ports just changed: learn it anew.
    br->fdb.clear();
    br->fdb.set_aging_ns(aging_ns_);
    for (const BridgeHandoff::LearnedMac& m : handoff->macs)
        br->fdb.learn(m.mac, m.vlan, ports[m.port]->id, m.last_seen_ns);
    for (SwitchPort* sp : ports) start_polling(*sp);
    if (!br->flows_default) worker_.ensure_cache(br->id);
    fast_.update_bridge(*br);
    registry_.rebuild_active();
    wake();
}

}  // namespace sy::datapath
