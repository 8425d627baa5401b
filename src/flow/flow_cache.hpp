#pragma once
// The per-poll-thread caches in front of translation, as OVS's dpif-netdev: an exact-match
// cache, then a megaflow cache, then translation (flow/translate.hpp) on a miss. The
// datapath calls lookup_or_translate() once per packet, executes the entry's Program, and
// credits the entry once per group of packets of a batch that got the same entry, so the
// flows' counters (dump-flows) and the tables' counters stay attributed to the right flows
// however a packet was classified.
//
//   const CacheEntry* e = cache.lookup_or_translate(tables, packet_key);
//   ... execute e->program ...
//   FlowCache::credit(*e, packets_in_group, bytes_in_group, now_ns);
//
// Validity: both caches are dropped the first time they meet a tables generation other than
// the one they were filled under. Every flow change bumps it, and generations are unique
// across FlowTables, so a cache handed another bridge's tables starts over too (and what it
// handed out before is gone): keep one cache per bridge per poll thread. An entry returned
// stays valid and unchanged for at least the next kStableLookups calls while the tables do
// not change: enough to look up a whole batch before executing and crediting it. Tables
// change only under the datapath's control lock, between rounds, so an entry must not be
// kept across rounds.
//
// One per poll thread: not thread-safe, except stats(), which any thread may read.
// Allocation-free after construction.

#include <atomic>
#include <cstdint>
#include <vector>

#include "flow/emc.hpp"
#include "flow/megaflow_cache.hpp"

namespace sy::flow {

struct FlowCacheConfig {
    std::uint32_t emc_entries = 8192;  // rounded up to a power of two; 0: no exact-match cache
    std::uint32_t megaflows = 4096;    // at least 2 * kStableLookups + 2
    std::uint32_t max_masks = 128;     // distinct megaflow masks (more than kStableLookups)
};

struct FlowCacheStats {
    std::uint64_t emc_hits = 0;
    std::uint64_t megaflow_hits = 0;   // EMC misses found in the megaflow cache
    std::uint64_t misses = 0;          // translated (the tables were consulted)
    std::uint64_t uncacheable = 0;     // translations too long to cache (Translation::cacheable)
    std::uint64_t evictions = 0;       // megaflows evicted to make room
    std::uint64_t mask_evictions = 0;  // masks dropped (with their megaflows) for a new one
    std::uint64_t invalidations = 0;   // times both caches were dropped (tables changed)
    std::uint32_t megaflows = 0;       // entries now
    std::uint32_t masks = 0;           // distinct megaflow masks now
};

class FlowCache {
  public:
    static constexpr std::uint32_t kStableLookups = 64;  // two full batches

    explicit FlowCache(const FlowCacheConfig& config = {});
    FlowCache(const FlowCache&) = delete;
    FlowCache& operator=(const FlowCache&) = delete;

    // The entry for `key`: from a cache, or translated against `tables` now (and cached).
    // Never null.
    const CacheEntry* lookup_or_translate(const FlowTables& tables, const FlowKey& key);

    // Credits `packets` packets, `bytes` bytes in all, to the entry's flows and tables.
    // Lock-free; call once per group of packets that got this entry.
    static void credit(const CacheEntry& entry, std::uint64_t packets, std::uint64_t bytes,
                       std::uint64_t now_ns) {
        flow::credit(*entry.tables, entry.visited(), packets, bytes, now_ns);
    }

    FlowCacheStats stats() const;
    // Drops every entry (a datapath that knows the flows changed need not wait for the next
    // lookup to notice).
    void flush();

  private:
    static void bump(std::atomic<std::uint64_t>& c) {
        c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);  // one writer
    }

    ExactMatchCache emc_;
    MegaflowCache megaflows_;
    std::vector<CacheEntry> scratch_;  // uncacheable translations, round robin
    std::uint32_t next_scratch_ = 0;
    Translation translation_;
    std::uint64_t generation_ = 0;  // of the tables the entries were made from; 0: none
    std::uint64_t seq_ = 0;         // lookups so far

    std::atomic<std::uint64_t> emc_hits_{0}, megaflow_hits_{0}, misses_{0}, uncacheable_{0},
        invalidations_{0}, evictions_{0}, mask_evictions_{0};
    std::atomic<std::uint32_t> megaflow_count_{0}, mask_count_{0};
};

}  // namespace sy::flow
