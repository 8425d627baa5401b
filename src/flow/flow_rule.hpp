#pragma once
// One installed flow: what a FLOW_MOD added (match, priority, table, cookie, timeouts, flags,
// instructions), when, and what traffic it has seen. FlowTables (flow/flow_tables.hpp) owns
// the rules; the classifier, translations and cache entries point at them.
//
// The counters are the one part poll threads write: they credit them once per group of
// packets that got the same cache entry (flow/flow_cache.hpp), lock-free, while the control
// plane reads them for dump-flows, aggregate stats and idle timeouts. Everything else in a
// rule changes only under the datapath's control lock (flow/flow_tables.hpp, "Threads").

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "flow/flow_mod.hpp"

namespace sy::flow {

// How many poll threads can credit flows at the same time, each through its own slot.
inline constexpr int kCreditSlots = 4;

// Packets, bytes and the time of the last packet. Each poll thread credits its own slot
// (FlowCacheConfig::credit_slot), so a credit is a few plain loads and stores on relaxed
// atomics: no locked instruction, no cache line shared between threads, nothing lost. Readers
// add the slots up; a reader can see a group's packets before its bytes, which dump-flows
// tolerates (OVS's counters are no more coherent than that).
class FlowCounters {
  public:
    // Only one thread at a time may credit a given slot.
    void credit(int slot, std::uint64_t packets, std::uint64_t bytes, std::uint64_t now_ns) {
        Slot& s = slots_[slot];
        s.packets.store(s.packets.load(std::memory_order_relaxed) + packets,
                        std::memory_order_relaxed);
        s.bytes.store(s.bytes.load(std::memory_order_relaxed) + bytes, std::memory_order_relaxed);
        if (now_ns > s.last_used.load(std::memory_order_relaxed))
            s.last_used.store(now_ns, std::memory_order_relaxed);
    }
    std::uint64_t packets() const { return sum(&Slot::packets); }
    std::uint64_t bytes() const { return sum(&Slot::bytes); }
    std::uint64_t last_used_ns() const {
        std::uint64_t t = 0;
        for (const Slot& s : slots_) t = std::max(t, s.last_used.load(std::memory_order_relaxed));
        return t;
    }

    // Control plane only, when no poll thread credits (add, modify, replace-flows).
    void set(std::uint64_t packets, std::uint64_t bytes, std::uint64_t last_used_ns) {
        for (Slot& s : slots_) {
            s.packets.store(0, std::memory_order_relaxed);
            s.bytes.store(0, std::memory_order_relaxed);
            s.last_used.store(0, std::memory_order_relaxed);
        }
        slots_[0].packets.store(packets, std::memory_order_relaxed);
        slots_[0].bytes.store(bytes, std::memory_order_relaxed);
        slots_[0].last_used.store(last_used_ns, std::memory_order_relaxed);
    }

  private:
    struct alignas(64) Slot {
        std::atomic<std::uint64_t> packets{0};
        std::atomic<std::uint64_t> bytes{0};
        std::atomic<std::uint64_t> last_used{0};
    };
    std::uint64_t sum(std::atomic<std::uint64_t> Slot::*member) const {
        std::uint64_t n = 0;
        for (const Slot& s : slots_) n += (s.*member).load(std::memory_order_relaxed);
        return n;
    }
    Slot slots_[kCreditSlots];
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
