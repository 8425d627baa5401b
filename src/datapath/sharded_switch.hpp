#pragma once
// More poll threads (`daemon --poll-threads N`): N independent switches ("shards"), each with
// its own poll thread, round lock, worker (packet pool, egress lanes, flow caches), MAC
// tables and kernel fast path, behind the one Switch facade. A bridge lives on one shard at a
// time: a new one goes to the shard whose bridges received the fewest packets so far (ties:
// fewest bridges), and every `interval` the load each bridge put on its thread is measured
// (SwitchPort::poll_ns) and, when one thread is clearly busier than it need be, one bridge is
// moved to another (rebalance_plan.hpp; the move: bridge_handoff.hpp). Nothing is shared
// between shards on the per-packet path: no lock, no atomic, no packet crossing threads
// (every port of a bridge is on its thread, and bridges only meet through kernel links).
//
// What this does not do yet: spread the ports of ONE bridge over threads (that needs a MAC
// table and egress queues shared across threads). docs/performance.md, "More cores".
//
// Bridge ids are unique across shards (shard i gives i + 1, i + 1 + N, ...) and a bridge
// keeps its id when it moves, so the OpenFlow agent's view of it (PacketInRecord::bridge_id,
// expired flows) does not change.

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "datapath/rebalance_plan.hpp"
#include "datapath/switch_core.hpp"

namespace sy::datapath {

struct Rebalancing {
    std::uint32_t interval_ms = 0;  // 0: no thread measures; ShardedSwitch::rebalance() by hand
    RebalancePolicy policy;
    bool log = true;  // each move, one line on stderr
};

class ShardedSwitch final : public Switch {
  public:
    using Rebalancing = datapath::Rebalancing;

    // `threads` shards built from `options` (each with its own range of bridge ids).
    ShardedSwitch(std::uint32_t threads, SwitchOptions options, Rebalancing rebalancing = {});
    ~ShardedSwitch() override;

    Status add_bridge(const std::string& name) override;
    Status del_bridge(const std::string& name) override;
    Status add_port(const std::string& bridge, const PortConfig& config) override;
    Status del_port(const std::string& bridge, const std::string& port) override;
    std::vector<BridgeInfo> bridges() const override;
    Result<std::vector<FdbEntry>> fdb(const std::string& bridge) const override;
    void set_mac_aging_seconds(std::uint32_t seconds) override;
    Status start_capture(const std::string& bridge, const std::string& port,
                         CaptureDirection direction, const std::string& path) override;
    Status stop_capture(const std::string& bridge, const std::string& port) override;
    std::string kernel_fastpath_state() const override;
    flow::FlowModOutcome apply_flows(const std::string& bridge,
                                     std::span<const flow::FlowMod> mods) override;
    flow::FlowModOutcome replace_flows(const std::string& bridge,
                                       std::span<const flow::FlowMod> flows) override;
    Result<std::vector<flow::FlowStats>> dump_flows(const std::string& bridge,
                                                    const flow::FlowFilter& filter) const override;
    Result<flow::AggregateStats> aggregate_flows(const std::string& bridge,
                                                 const flow::FlowFilter& filter) const override;
    Result<std::vector<flow::TableStats>> table_stats(const std::string& bridge) const override;
    Result<TraceReport> trace(const std::string& bridge, const TraceRequest& request) override;
    Status set_openflow_state(const std::string& bridge, bool packet_in, bool fail_open) override;
    std::size_t take_packet_ins(const std::function<void(const PacketInRecord&)>& use,
                                std::size_t max) override;
    Status packet_out(const std::string& bridge, std::uint32_t in_port,
                      const flow::ActionList& actions,
                      std::span<const std::uint8_t> frame) override;
    std::vector<std::pair<std::uint32_t, flow::RemovedFlow>> take_expired_flows() override;
    std::uint32_t poll_threads() const override {
        return static_cast<std::uint32_t>(shards_.size());
    }
    std::uint64_t bridges_moved() const override;
    std::string last_move() const override;

    // One measurement: the load every bridge put on its thread since the previous one,
    // `elapsed_ns` ago, and at most one move by the policy. Returns the move made. The
    // rebalancing thread calls it every interval; tests call it by hand.
    std::optional<BridgeMove> rebalance(std::uint64_t elapsed_ns);
    // Moves `bridge` to poll thread `to` now, whatever the load (tests; the policy's moves).
    Status move_bridge(const std::string& bridge, std::size_t to);

    // A shard, for tests and benchmarks that add in-memory ports and drive rounds by hand.
    SwitchCore& shard(std::size_t i) { return *shards_[i]; }

  private:
    // Runs `call` on the shard that has `bridge` (for an unknown bridge shard 0, whose own
    // answer, not found, is the precise error), with the bridge kept in place meanwhile.
    template <typename Call>
    auto on_shard(const std::string& bridge, Call&& call) const {
        std::shared_lock lk(placement_mutex_);
        return call(*shards_[shard_index(bridge)]);
    }
    std::size_t shard_index(const std::string& bridge) const;  // placement_mutex_ held
    std::size_t least_loaded() const;
    Status move_locked(const std::string& bridge, std::size_t to);  // placement_mutex_ unique
    void rebalance_thread();

    std::vector<std::unique_ptr<SwitchCore>> shards_;  // fixed after construction
    Rebalancing rebalancing_;
    // Where each bridge lives, in the order the bridges were added. Shared by calls routed to
    // a bridge, exclusive while bridges are added, deleted or moved.
    mutable std::shared_mutex placement_mutex_;
    struct Placement {
        std::string bridge;
        std::size_t shard;
    };
    std::vector<Placement> placement_;

    mutable std::mutex load_mutex_;                      // the measurements below
    std::map<std::string, std::uint64_t> last_poll_ns_;  // each bridge's poll_ns last time
    std::map<std::string, double> load_;                 // ... and its load over the interval
    std::uint64_t moves_ = 0;
    std::string last_move_;

    std::mutex stop_mutex_;
    std::condition_variable stop_cv_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace sy::datapath
