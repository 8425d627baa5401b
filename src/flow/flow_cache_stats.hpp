#pragma once
// What a flow cache (flow/flow_cache.hpp) counted: how packets were classified, level by
// level, and how full it is. The datapath sums them per bridge over its poll threads for
// `stats` and the Prometheus metrics, like OVS's dpif-netdev/pmd-stats-show.

#include <cstdint>

namespace sy::flow {

struct FlowCacheStats {
    std::uint64_t signature_hits = 0;  // found by header signature (no key extracted)
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

}  // namespace sy::flow
