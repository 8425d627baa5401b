#pragma once
// What one poll thread owns: its packet pool, its side of every port (PortLane: egress queue,
// egress preparation and counters), and scratch space, so the per-packet path needs no lock
// and no allocation. A port is received by exactly one worker; any worker may send to any
// port through its own lane.

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "datapath/drop_reason.hpp"
#include "flow/flow_cache.hpp"
#include "offload/tx_prepare.hpp"
#include "packet/packet_batch.hpp"
#include "packet/packet_pool.hpp"

namespace sy::datapath {

struct SwitchPort;

// Counters a worker keeps per port. Ingress ones are written by the worker receiving the
// port, egress ones by every worker sending to it; stats add up all workers' lanes.
struct LaneCounters {
    std::uint64_t verified_good = 0, verified_bad = 0, pseudo_seed = 0;
    std::uint64_t corrupted_injected = 0;
    std::uint64_t unsafe_marked = 0;
    std::uint64_t unaccounted = 0;  // packets a stage left without a verdict (a bug: must be 0)
    std::array<std::uint64_t, kDropReasonCount> drops{};

    void drop(DropReason r, std::uint64_t n = 1) { drops[static_cast<std::size_t>(r)] += n; }
};

struct PortLane {
    PortLane(const offload::PortOffloadCaps& caps, PacketPool& pool) : prep(caps, pool) {}
    PacketBatch tx;  // waiting to be sent (flushed when full and at the end of each round)
    bool dirty = false;
    offload::TxPreparer prep;
    LaneCounters counters;
};

class Worker {
  public:
    // Enough for a 64 KiB super-frame cut at the smallest MSS Linux allows (88 bytes).
    static constexpr std::size_t kMaxSegments = 768;

    Worker(std::uint32_t index, std::uint32_t pool_packets)
        : index_(index), pool_(pool_packets, kSuperFrameBufferSize), segments_(kMaxSegments) {}

    std::uint32_t index() const { return index_; }
    // Which slot of the flows' counters this worker credits (flow::kCreditSlots of them).
    std::uint32_t credit_slot() const { return index_ % flow::kCreditSlots; }
    PacketPool& pool() { return pool_; }
    std::span<Packet*> segments() { return segments_; }

    // Control path (under the round lock): a lane for a new port, or none for a deleted one.
    void add_lane(const SwitchPort& port);
    // Packets still queued are released (and counted as port_down drops).
    void remove_lane(PortId id);
    PortLane* lane(PortId id) { return id < lanes_.size() ? lanes_[id].get() : nullptr; }
    const PortLane* lane(PortId id) const {
        return id < lanes_.size() ? lanes_[id].get() : nullptr;
    }

    // This worker's caches in front of a bridge's flow tables (made on the control path the
    // first time the bridge has flows of its own; null before).
    flow::FlowCache* cache(std::uint32_t bridge_id) {
        return bridge_id < caches_.size() ? caches_[bridge_id].get() : nullptr;
    }
    const flow::FlowCache* cache(std::uint32_t bridge_id) const {
        return bridge_id < caches_.size() ? caches_[bridge_id].get() : nullptr;
    }
    void ensure_cache(std::uint32_t bridge_id);
    void drop_cache(std::uint32_t bridge_id);

    // Ports with packets queued in this round, flushed at its end.
    std::vector<PortId>& dirty() { return dirty_; }
    // Scratch for flooding (capacity reserved on the control path).
    std::vector<SwitchPort*>& flood_targets() { return flood_targets_; }

    std::uint64_t now_ns = 0;     // the round's clock
    std::uint64_t batch_seq = 0;  // numbers this worker's batches (flow cache entry grouping)

    // Classification's scratch for one batch, kept here so that a batch does not construct
    // (zero) 32 keys on the stack only for extract_key to clear them again.
    struct ClassifyScratch {
        flow::HeaderSignature signatures[PacketBatch::kCapacity];
        const flow::HeaderSignature* signature_ptrs[PacketBatch::kCapacity];  // null: none
        flow::FlowKey keys[PacketBatch::kCapacity];  // of the packets no signature found
        const flow::FlowKey* key_ptrs[PacketBatch::kCapacity];
        const flow::HeaderSignature* key_signatures[PacketBatch::kCapacity];
        std::uint32_t key_packet[PacketBatch::kCapacity];  // which packet keys[k] is
        const flow::CacheEntry* key_entries[PacketBatch::kCapacity];
        const flow::CacheEntry* entries[PacketBatch::kCapacity];
    };
    ClassifyScratch& classify_scratch() { return *classify_scratch_; }

  private:
    std::uint32_t index_;
    PacketPool pool_;
    std::vector<Packet*> segments_;
    std::vector<std::unique_ptr<PortLane>> lanes_;          // index = PortId
    std::vector<std::unique_ptr<flow::FlowCache>> caches_;  // index = bridge id
    std::vector<PortId> dirty_;
    std::vector<SwitchPort*> flood_targets_;
    std::unique_ptr<ClassifyScratch> classify_scratch_ = std::make_unique<ClassifyScratch>();
};

}  // namespace sy::datapath
