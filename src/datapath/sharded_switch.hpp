#pragma once
// More poll threads (`daemon --poll-threads N`): N independent switches ("shards"), each with
// its own poll thread, round lock, worker (packet pool, egress lanes, flow caches), MAC
// tables and kernel fast path, behind the one Switch facade. A bridge lives on one shard for
// its lifetime, chosen when it is added: the shard whose bridges received the fewest packets
// so far (ties: fewest bridges). Nothing is shared between shards on the per-packet path:
// no lock, no atomic, no packet crossing threads (every port of a bridge is on its thread,
// and bridges only meet through kernel links).
//
// What this does not do yet: spread the ports of ONE bridge over threads (that needs a MAC
// table and egress queues shared across threads), or move a bridge to another thread once
// it is busy. docs/performance.md, "More cores".
//
// Bridge ids (BridgeInfo::id, PacketInRecord::bridge_id, expired flows) are made unique
// across shards: local id * shards + shard.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "datapath/switch.hpp"

namespace sy::datapath {

class ShardedSwitch final : public Switch {
  public:
    explicit ShardedSwitch(std::vector<std::unique_ptr<Switch>> shards);

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

  private:
    // The shard that has `bridge`; for an unknown bridge shard 0, whose own answer (not
    // found) is the precise error.
    Switch& shard_of(const std::string& bridge) const;
    std::size_t least_loaded() const;
    std::uint32_t global_id(std::uint32_t local, std::size_t shard) const {
        return local * static_cast<std::uint32_t>(shards_.size()) +
               static_cast<std::uint32_t>(shard);
    }

    std::vector<std::unique_ptr<Switch>> shards_;  // fixed after construction
    mutable std::mutex mutex_;                     // guards placement_
    struct Placement {
        std::string bridge;
        std::size_t shard;
    };
    std::vector<Placement> placement_;  // in the order the bridges were added
};

}  // namespace sy::datapath
