#include "datapath/worker.hpp"

#include <algorithm>

#include "datapath/switch_port.hpp"

namespace sy::datapath {

void Worker::add_lane(const SwitchPort& port) {
    if (lanes_.size() <= port.id) lanes_.resize(port.id + 1);
    lanes_[port.id] = std::make_unique<PortLane>(port.caps, pool_);
    // Capacity for the per-packet path: at most every port is dirty or a flood target.
    dirty_.reserve(lanes_.size());
    flood_targets_.reserve(lanes_.size());
}

void Worker::remove_lane(PortId id) {
    PortLane* l = lane(id);
    if (!l) return;
    for (Packet* p : l->tx) release(p);
    l->tx.clear();
    dirty_.erase(std::remove(dirty_.begin(), dirty_.end(), id), dirty_.end());
    lanes_[id].reset();
}

void Worker::ensure_cache(std::uint32_t bridge_id) {
    if (caches_.size() <= bridge_id) caches_.resize(bridge_id + 1);
    if (!caches_[bridge_id]) {
        flow::FlowCacheConfig config;
        config.credit_slot = static_cast<int>(credit_slot());
        caches_[bridge_id] = std::make_unique<flow::FlowCache>(config);
    }
}

void Worker::drop_cache(std::uint32_t bridge_id) {
    if (bridge_id < caches_.size()) caches_[bridge_id].reset();
}

}  // namespace sy::datapath
