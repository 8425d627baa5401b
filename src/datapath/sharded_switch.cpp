#include "datapath/sharded_switch.hpp"

#include <algorithm>
#include <limits>

namespace sy::datapath {

ShardedSwitch::ShardedSwitch(std::vector<std::unique_ptr<Switch>> shards)
    : shards_(std::move(shards)) {}

Switch& ShardedSwitch::shard_of(const std::string& bridge) const {
    std::lock_guard lk(mutex_);
    for (const auto& p : placement_) {
        if (p.bridge == bridge) return *shards_[p.shard];
    }
    return *shards_[0];
}

std::size_t ShardedSwitch::least_loaded() const {
    std::size_t best = 0;
    std::uint64_t best_packets = std::numeric_limits<std::uint64_t>::max();
    std::size_t best_bridges = std::numeric_limits<std::size_t>::max();
    for (std::size_t s = 0; s < shards_.size(); ++s) {
        std::uint64_t packets = 0;
        const auto bridges = shards_[s]->bridges();
        for (const auto& b : bridges) {
            for (const auto& port : b.ports) packets += port.stats.rx_packets;
        }
        if (packets < best_packets || (packets == best_packets && bridges.size() < best_bridges)) {
            best = s;
            best_packets = packets;
            best_bridges = bridges.size();
        }
    }
    return best;
}

Status ShardedSwitch::add_bridge(const std::string& name) {
    std::lock_guard lk(mutex_);
    for (const auto& p : placement_) {
        if (p.bridge == name) return shards_[p.shard]->add_bridge(name);  // its own refusal
    }
    const std::size_t s = least_loaded();
    if (Status st = shards_[s]->add_bridge(name); !st) return st;
    placement_.push_back({name, s});
    return Status::ok();
}

Status ShardedSwitch::del_bridge(const std::string& name) {
    std::lock_guard lk(mutex_);
    auto it = std::find_if(placement_.begin(), placement_.end(),
                           [&](const Placement& p) { return p.bridge == name; });
    if (it == placement_.end()) return shards_[0]->del_bridge(name);
    if (Status st = shards_[it->shard]->del_bridge(name); !st) return st;
    placement_.erase(it);
    return Status::ok();
}

Status ShardedSwitch::add_port(const std::string& bridge, const PortConfig& config) {
    return shard_of(bridge).add_port(bridge, config);
}

Status ShardedSwitch::del_port(const std::string& bridge, const std::string& port) {
    return shard_of(bridge).del_port(bridge, port);
}

std::vector<BridgeInfo> ShardedSwitch::bridges() const {
    std::vector<Placement> order;
    {
        std::lock_guard lk(mutex_);
        order = placement_;
    }
    std::vector<std::vector<BridgeInfo>> per_shard(shards_.size());
    for (std::size_t s = 0; s < shards_.size(); ++s) per_shard[s] = shards_[s]->bridges();
    std::vector<BridgeInfo> out;
    for (const auto& p : order) {
        for (auto& b : per_shard[p.shard]) {
            if (b.name != p.bridge) continue;
            b.id = global_id(b.id, p.shard);
            b.poll_thread = static_cast<std::uint32_t>(p.shard);
            out.push_back(std::move(b));
            break;
        }
    }
    return out;
}

Result<std::vector<FdbEntry>> ShardedSwitch::fdb(const std::string& bridge) const {
    return shard_of(bridge).fdb(bridge);
}

void ShardedSwitch::set_mac_aging_seconds(std::uint32_t seconds) {
    for (auto& s : shards_) s->set_mac_aging_seconds(seconds);
}

Status ShardedSwitch::start_capture(const std::string& bridge, const std::string& port,
                                    CaptureDirection direction, const std::string& path) {
    return shard_of(bridge).start_capture(bridge, port, direction, path);
}

Status ShardedSwitch::stop_capture(const std::string& bridge, const std::string& port) {
    return shard_of(bridge).stop_capture(bridge, port);
}

std::string ShardedSwitch::kernel_fastpath_state() const {
    // Every shard was built with the same settings on the same kernel: they agree unless one
    // failed on its own, which is then worth reading in full.
    std::string first = shards_[0]->kernel_fastpath_state();
    for (std::size_t s = 1; s < shards_.size(); ++s) {
        std::string st = shards_[s]->kernel_fastpath_state();
        if (st != first)
            return first + " (poll thread 0); " + st + " (poll thread " + std::to_string(s) + ")";
    }
    return first;
}

flow::FlowModOutcome ShardedSwitch::apply_flows(const std::string& bridge,
                                                std::span<const flow::FlowMod> mods) {
    return shard_of(bridge).apply_flows(bridge, mods);
}

flow::FlowModOutcome ShardedSwitch::replace_flows(const std::string& bridge,
                                                  std::span<const flow::FlowMod> flows) {
    return shard_of(bridge).replace_flows(bridge, flows);
}

Result<std::vector<flow::FlowStats>> ShardedSwitch::dump_flows(
    const std::string& bridge, const flow::FlowFilter& filter) const {
    return shard_of(bridge).dump_flows(bridge, filter);
}

Result<flow::AggregateStats> ShardedSwitch::aggregate_flows(const std::string& bridge,
                                                            const flow::FlowFilter& filter) const {
    return shard_of(bridge).aggregate_flows(bridge, filter);
}

Result<std::vector<flow::TableStats>> ShardedSwitch::table_stats(const std::string& bridge) const {
    return shard_of(bridge).table_stats(bridge);
}

Result<TraceReport> ShardedSwitch::trace(const std::string& bridge, const TraceRequest& request) {
    return shard_of(bridge).trace(bridge, request);
}

Status ShardedSwitch::set_openflow_state(const std::string& bridge, bool packet_in,
                                         bool fail_open) {
    return shard_of(bridge).set_openflow_state(bridge, packet_in, fail_open);
}

std::size_t ShardedSwitch::take_packet_ins(const std::function<void(const PacketInRecord&)>& use,
                                           std::size_t max) {
    std::size_t taken = 0;
    for (std::size_t s = 0; s < shards_.size() && taken < max; ++s) {
        taken += shards_[s]->take_packet_ins(
            [&](const PacketInRecord& r) {
                PacketInRecord global = r;
                global.bridge_id = global_id(r.bridge_id, s);
                use(global);
            },
            max - taken);
    }
    return taken;
}

Status ShardedSwitch::packet_out(const std::string& bridge, std::uint32_t in_port,
                                 const flow::ActionList& actions,
                                 std::span<const std::uint8_t> frame) {
    return shard_of(bridge).packet_out(bridge, in_port, actions, frame);
}

std::vector<std::pair<std::uint32_t, flow::RemovedFlow>> ShardedSwitch::take_expired_flows() {
    std::vector<std::pair<std::uint32_t, flow::RemovedFlow>> out;
    for (std::size_t s = 0; s < shards_.size(); ++s) {
        for (auto& [id, removed] : shards_[s]->take_expired_flows())
            out.emplace_back(global_id(id, s), std::move(removed));
    }
    return out;
}

}  // namespace sy::datapath
