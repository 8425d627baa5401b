#include "datapath/rebalance_plan.hpp"

#include <algorithm>
#include <vector>

namespace sy::datapath {

std::optional<BridgeMove> plan_rebalance(std::span<const BridgeLoad> loads, std::size_t threads,
                                         const RebalancePolicy& policy) {
    if (threads < 2) return std::nullopt;
    std::vector<double> per_thread(threads, 0.0);
    for (const BridgeLoad& b : loads) {
        if (b.thread < threads) per_thread[b.thread] += b.load;
    }
    const auto busiest_it = std::max_element(per_thread.begin(), per_thread.end());
    const std::size_t busiest = static_cast<std::size_t>(busiest_it - per_thread.begin());
    const double before = *busiest_it;
    if (before < policy.min_load) return std::nullopt;

    // Try every bridge of the busiest thread on every other thread; keep the move that leaves
    // the lowest maximum over all threads (ties: the first found, i.e. the lighter-indexed).
    std::optional<BridgeMove> best;
    for (const BridgeLoad& b : loads) {
        if (b.thread != busiest || b.load <= 0) continue;
        for (std::size_t to = 0; to < threads; ++to) {
            if (to == busiest) continue;
            double after = 0;
            for (std::size_t t = 0; t < threads; ++t) {
                double l = per_thread[t];
                if (t == busiest) l -= b.load;
                if (t == to) l += b.load;
                after = std::max(after, l);
            }
            if (!best || after < best->busiest_after)
                best = BridgeMove{b.bridge, busiest, to, before, after};
        }
    }
    if (!best || best->busiest_after > before * (1.0 - policy.min_improvement)) return std::nullopt;
    return best;
}

}  // namespace sy::datapath
