#pragma once
// Which bridge to move to which poll thread, from the load each bridge put on its thread
// over the last interval (the time its thread spent receiving and forwarding its packets,
// as a share of one core). The rule is OVS's PMD auto load balancing rule applied to whole
// bridges: move only when the busiest thread is really busy, and only when the move lowers
// the busiest thread's load by a clear margin, so that bridges do not flap between threads on
// noise. Pure: the caller (ShardedSwitch) measures and moves.

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace sy::datapath {

struct BridgeLoad {
    std::string bridge;
    std::size_t thread = 0;
    double load = 0;  // share of one core over the interval (0.4: 40 % of the thread's time)
};

struct RebalancePolicy {
    // The busiest thread must be at least this loaded for anything to move: below it every
    // thread keeps up and a move would only cost a moment of buffering.
    double min_load = 0.10;
    // The move must lower the busiest thread's load by at least this fraction (OVS:
    // pmd-auto-lb-improvement-threshold, 25 %).
    double min_improvement = 0.25;
};

struct BridgeMove {
    std::string bridge;
    std::size_t from = 0, to = 0;
    double busiest_before = 0;  // the busiest thread's load before the move ...
    double busiest_after = 0;   // ... and the busiest thread's load the move should leave
};

// `threads`: how many poll threads there are (thread indexes in `loads` are below it).
std::optional<BridgeMove> plan_rebalance(std::span<const BridgeLoad> loads, std::size_t threads,
                                         const RebalancePolicy& policy);

}  // namespace sy::datapath
