#pragma once
// One installed flow: what a FLOW_MOD added (match, priority, table, cookie, timeouts, flags,
// instructions), when, and what traffic it has seen. FlowTables (flow/flow_tables.hpp) owns
// the rules; the classifier, translations and cache entries point at them.
//
// The counters are the one part poll threads write: they credit them once per group of
// packets that hit the same cache entry (flow/flow_cache.hpp), lock-free, while the control
// plane reads them for dump-flows, aggregate stats and idle timeouts. Everything else in a
// rule changes only under the datapath's control lock (flow/flow_tables.hpp, "Threads").

#include <atomic>
#include <cstdint>

#include "flow/flow_mod.hpp"

namespace sy::flow {

// Packets, bytes and the time of the last packet. Relaxed atomics: several poll threads may
// credit one flow; a reader can see a group's packets before its bytes, which dump-flows
// tolerates (OVS's counters are no more coherent than that).
class FlowCounters {
  public:
    void credit(std::uint64_t packets, std::uint64_t bytes, std::uint64_t now_ns) {
        packets_.fetch_add(packets, std::memory_order_relaxed);
        bytes_.fetch_add(bytes, std::memory_order_relaxed);
        // A plain store when time moved on: no read-modify-write for the timestamp, and two
        // threads racing can only leave one of two nearly equal times.
        if (now_ns > last_used_.load(std::memory_order_relaxed))
            last_used_.store(now_ns, std::memory_order_relaxed);
    }
    std::uint64_t packets() const { return packets_.load(std::memory_order_relaxed); }
    std::uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
    std::uint64_t last_used_ns() const { return last_used_.load(std::memory_order_relaxed); }

    // Control plane only (add, modify, replace-flows).
    void set(std::uint64_t packets, std::uint64_t bytes, std::uint64_t last_used_ns) {
        packets_.store(packets, std::memory_order_relaxed);
        bytes_.store(bytes, std::memory_order_relaxed);
        last_used_.store(last_used_ns, std::memory_order_relaxed);
    }

  private:
    std::atomic<std::uint64_t> packets_{0};
    std::atomic<std::uint64_t> bytes_{0};
    std::atomic<std::uint64_t> last_used_{0};
};

struct FlowRule {
    std::uint8_t table = 0;
    std::uint16_t priority = kDefaultPriority;
    Match match;
    std::uint64_t cookie = 0;
    std::uint16_t idle_timeout = 0;  // seconds without a packet; 0: never
    std::uint16_t hard_timeout = 0;  // seconds after the last add or modify (as OVS); 0: never
    std::uint16_t flags = 0;         // FlowFlags as given by the FLOW_MOD that added it
    Instructions instructions;

    std::uint64_t created_ns = 0;   // the add that made it (dump-flows "duration")
    std::uint64_t modified_ns = 0;  // the last add or modify (hard timeout, "hard_age")
    // Order of addition (unique per FlowTables). Of two overlapping flows of equal priority,
    // the one with the smaller seq wins: the flow added first (flow/classifier.hpp).
    std::uint64_t seq = 0;

    mutable FlowCounters counters;  // last_used starts at created_ns

    FlowRule() = default;
    FlowRule(const FlowRule&) = delete;
    FlowRule& operator=(const FlowRule&) = delete;

    // The flow as dump-flows, flow stats and FLOW_REMOVED show it, at time `now_ns`.
    FlowStats stats(std::uint64_t now_ns) const;
};

}  // namespace sy::flow
