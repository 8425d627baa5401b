#pragma once
// Per-flow counters for the metrics endpoint. The datapath is becoming a pipeline of flow
// tables; its owner provides the source (a callback) once the tables exist. Until then the
// collector is built without one and exports no flow metrics. A source is called on every
// scrape from a metrics thread: it must be thread-safe with respect to the datapath and cheap
// (a snapshot of counters, no per-packet work).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace sy::metrics {

struct FlowStats {
    std::string bridge;
    std::uint32_t table = 0;
    std::uint32_t priority = 0;
    std::uint64_t cookie = 0;
    std::string match;  // the flow's match as a person reads it, e.g. "in_port=2,dl_vlan=10"
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
};

// Every flow of every bridge, at the moment of the call.
using FlowStatsSource = std::function<std::vector<FlowStats>()>;

}  // namespace sy::metrics
