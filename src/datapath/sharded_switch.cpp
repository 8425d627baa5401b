#include "datapath/sharded_switch.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

#include <fmt/core.h>

namespace sy::datapath {

namespace {

std::uint64_t bridge_poll_ns(const BridgeInfo& b) {
    std::uint64_t ns = 0;
    for (const PortInfo& p : b.ports) ns += p.stats.poll_ns;
    return ns;
}

}  // namespace

ShardedSwitch::ShardedSwitch(std::uint32_t threads, SwitchOptions options, Rebalancing rebalancing)
    : rebalancing_(rebalancing) {
    for (std::uint32_t i = 0; i < threads; ++i) {
        options.first_bridge_id = i + 1;
        options.bridge_id_stride = threads;
        shards_.push_back(std::make_unique<SwitchCore>(options));
    }
    if (rebalancing_.interval_ms != 0) thread_ = std::thread([this] { rebalance_thread(); });
}

ShardedSwitch::~ShardedSwitch() {
    {
        std::lock_guard lk(stop_mutex_);
        stop_ = true;
    }
    stop_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void ShardedSwitch::rebalance_thread() {
    const auto interval = std::chrono::milliseconds(rebalancing_.interval_ms);
    auto last = std::chrono::steady_clock::now();
    std::unique_lock lk(stop_mutex_);
    while (!stop_cv_.wait_for(lk, interval, [this] { return stop_; })) {
        lk.unlock();
        const auto now = std::chrono::steady_clock::now();
        const auto elapsed =
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - last).count();
        last = now;
        (void)rebalance(static_cast<std::uint64_t>(elapsed));
        lk.lock();
    }
}

std::size_t ShardedSwitch::shard_index(const std::string& bridge) const {
    for (const auto& p : placement_) {
        if (p.bridge == bridge) return p.shard;
    }
    return 0;
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
    std::unique_lock lk(placement_mutex_);
    for (const auto& p : placement_) {
        if (p.bridge == name) return shards_[p.shard]->add_bridge(name);  // its own refusal
    }
    const std::size_t s = least_loaded();
    if (Status st = shards_[s]->add_bridge(name); !st) return st;
    placement_.push_back({name, s});
    return Status::ok();
}

Status ShardedSwitch::del_bridge(const std::string& name) {
    std::unique_lock lk(placement_mutex_);
    auto it = std::find_if(placement_.begin(), placement_.end(),
                           [&](const Placement& p) { return p.bridge == name; });
    if (it == placement_.end()) return shards_[0]->del_bridge(name);
    if (Status st = shards_[it->shard]->del_bridge(name); !st) return st;
    placement_.erase(it);
    std::lock_guard ll(load_mutex_);
    last_poll_ns_.erase(name);
    load_.erase(name);
    return Status::ok();
}

Status ShardedSwitch::add_port(const std::string& bridge, const PortConfig& config) {
    return on_shard(bridge, [&](SwitchCore& s) { return s.add_port(bridge, config); });
}

Status ShardedSwitch::del_port(const std::string& bridge, const std::string& port) {
    return on_shard(bridge, [&](SwitchCore& s) { return s.del_port(bridge, port); });
}

std::vector<BridgeInfo> ShardedSwitch::bridges() const {
    std::vector<BridgeInfo> out;
    std::shared_lock lk(placement_mutex_);
    std::vector<std::vector<BridgeInfo>> per_shard(shards_.size());
    for (std::size_t s = 0; s < shards_.size(); ++s) per_shard[s] = shards_[s]->bridges();
    std::lock_guard ll(load_mutex_);
    for (const auto& p : placement_) {
        for (auto& b : per_shard[p.shard]) {
            if (b.name != p.bridge) continue;
            b.poll_thread = static_cast<std::uint32_t>(p.shard);
            if (auto l = load_.find(b.name); l != load_.end()) b.load = l->second;
            out.push_back(std::move(b));
            break;
        }
    }
    return out;
}

std::optional<BridgeMove> ShardedSwitch::rebalance(std::uint64_t elapsed_ns) {
    if (elapsed_ns == 0) return std::nullopt;
    const std::vector<BridgeInfo> now = bridges();
    std::vector<BridgeLoad> loads;
    {
        std::lock_guard ll(load_mutex_);
        std::map<std::string, std::uint64_t> poll_ns;
        load_.clear();
        for (const BridgeInfo& b : now) {
            const std::uint64_t ns = bridge_poll_ns(b);
            const auto last = last_poll_ns_.find(b.name);
            const std::uint64_t before = last == last_poll_ns_.end() ? 0 : last->second;
            const double load = static_cast<double>(ns > before ? ns - before : 0) /
                                static_cast<double>(elapsed_ns);
            poll_ns[b.name] = ns;
            load_[b.name] = load;
            loads.push_back({b.name, b.poll_thread, load});
        }
        last_poll_ns_ = std::move(poll_ns);
    }
    std::optional<BridgeMove> move = plan_rebalance(loads, shards_.size(), rebalancing_.policy);
    if (!move) return std::nullopt;
    if (Status st = move_bridge(move->bridge, move->to); !st) {
        if (rebalancing_.log)
            std::fprintf(stderr, "switchyard: bridge %s stays on poll thread %zu: %s\n",
                         move->bridge.c_str(), move->from, st.message().c_str());
        return std::nullopt;
    }
    const std::string what = fmt::format(
        "bridge {} moved from poll thread {} to {} by load (busiest thread {:.0f} % "
        "busy, {:.0f} % expected after)",
        move->bridge, move->from, move->to, move->busiest_before * 100, move->busiest_after * 100);
    if (rebalancing_.log) std::fprintf(stderr, "switchyard: %s\n", what.c_str());
    std::lock_guard ll(load_mutex_);
    last_move_ = what;
    return move;
}

Status ShardedSwitch::move_bridge(const std::string& bridge, std::size_t to) {
    std::unique_lock lk(placement_mutex_);
    return move_locked(bridge, to);
}

Status ShardedSwitch::move_locked(const std::string& bridge, std::size_t to) {
    if (to >= shards_.size())
        return Status(Errc::invalid_argument, fmt::format("no poll thread {}", to));
    auto it = std::find_if(placement_.begin(), placement_.end(),
                           [&](const Placement& p) { return p.bridge == bridge; });
    if (it == placement_.end())
        return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    if (it->shard == to) return Status::ok();
    SwitchCore& from = *shards_[it->shard];
    const std::vector<BridgeInfo> infos = from.bridges();
    const auto info = std::find_if(infos.begin(), infos.end(),
                                   [&](const BridgeInfo& b) { return b.name == bridge; });
    if (info == infos.end()) return Status(Errc::not_found, fmt::format("no bridge '{}'", bridge));
    if (Status st = shards_[to]->can_adopt(*info); !st) return st;
    auto handoff = from.take_bridge(bridge);
    if (!handoff) return handoff.status();
    shards_[to]->adopt_bridge(std::move(handoff.value()));
    it->shard = to;
    std::lock_guard ll(load_mutex_);
    ++moves_;
    return Status::ok();
}

std::uint64_t ShardedSwitch::bridges_moved() const {
    std::lock_guard ll(load_mutex_);
    return moves_;
}

std::string ShardedSwitch::last_move() const {
    std::lock_guard ll(load_mutex_);
    return last_move_;
}

Result<std::vector<FdbEntry>> ShardedSwitch::fdb(const std::string& bridge) const {
    return on_shard(bridge, [&](SwitchCore& s) { return s.fdb(bridge); });
}

void ShardedSwitch::set_mac_aging_seconds(std::uint32_t seconds) {
    for (auto& s : shards_) s->set_mac_aging_seconds(seconds);
}

Status ShardedSwitch::start_capture(const std::string& bridge, const std::string& port,
                                    CaptureDirection direction, const std::string& path) {
    return on_shard(bridge,
                    [&](SwitchCore& s) { return s.start_capture(bridge, port, direction, path); });
}

Status ShardedSwitch::stop_capture(const std::string& bridge, const std::string& port) {
    return on_shard(bridge, [&](SwitchCore& s) { return s.stop_capture(bridge, port); });
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
    return on_shard(bridge, [&](SwitchCore& s) { return s.apply_flows(bridge, mods); });
}

flow::FlowModOutcome ShardedSwitch::replace_flows(const std::string& bridge,
                                                  std::span<const flow::FlowMod> flows) {
    return on_shard(bridge, [&](SwitchCore& s) { return s.replace_flows(bridge, flows); });
}

Result<std::vector<flow::FlowStats>> ShardedSwitch::dump_flows(
    const std::string& bridge, const flow::FlowFilter& filter) const {
    return on_shard(bridge, [&](SwitchCore& s) { return s.dump_flows(bridge, filter); });
}

Result<flow::AggregateStats> ShardedSwitch::aggregate_flows(const std::string& bridge,
                                                            const flow::FlowFilter& filter) const {
    return on_shard(bridge, [&](SwitchCore& s) { return s.aggregate_flows(bridge, filter); });
}

Result<std::vector<flow::TableStats>> ShardedSwitch::table_stats(const std::string& bridge) const {
    return on_shard(bridge, [&](SwitchCore& s) { return s.table_stats(bridge); });
}

Result<TraceReport> ShardedSwitch::trace(const std::string& bridge, const TraceRequest& request) {
    return on_shard(bridge, [&](SwitchCore& s) { return s.trace(bridge, request); });
}

Status ShardedSwitch::set_openflow_state(const std::string& bridge, bool packet_in,
                                         bool fail_open) {
    return on_shard(
        bridge, [&](SwitchCore& s) { return s.set_openflow_state(bridge, packet_in, fail_open); });
}

std::size_t ShardedSwitch::take_packet_ins(const std::function<void(const PacketInRecord&)>& use,
                                           std::size_t max) {
    // Bridge ids are unique across shards already: the records go out as they are.
    std::size_t taken = 0;
    for (std::size_t s = 0; s < shards_.size() && taken < max; ++s)
        taken += shards_[s]->take_packet_ins(use, max - taken);
    return taken;
}

Status ShardedSwitch::packet_out(const std::string& bridge, std::uint32_t in_port,
                                 const flow::ActionList& actions,
                                 std::span<const std::uint8_t> frame) {
    return on_shard(bridge,
                    [&](SwitchCore& s) { return s.packet_out(bridge, in_port, actions, frame); });
}

std::vector<std::pair<std::uint32_t, flow::RemovedFlow>> ShardedSwitch::take_expired_flows() {
    std::vector<std::pair<std::uint32_t, flow::RemovedFlow>> out;
    for (auto& shard : shards_) {
        for (auto& removed : shard->take_expired_flows()) out.push_back(std::move(removed));
    }
    return out;
}

}  // namespace sy::datapath
